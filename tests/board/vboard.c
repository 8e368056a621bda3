/* tatami-vboard: a virtual iCEBreaker on the USB bus.
 *
 *   umockdev-wrapper tatami-vboard [options] -- command [args...]
 *
 * Creates a umockdev testbed holding one FT2232H (0403:6010) on bus 1,
 * answers the usbdevfs ioctls of its /dev/bus/usb node through umockdev's
 * ioctl-handler API (UMockdevIoctlBase "handle-ioctl"), runs the Verilator
 * model of the board behind channel B (ft2232h.c), runs the command as a
 * child in that environment and exits with its status. docs/vboard.md has
 * the details, the time model and the test options. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/usbdevice_fs.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib.h>
#include <umockdev.h>

#include "ft2232h.h"
#include "vboard_board.h"

/* the board model's clock (tests/board/board.mk: BOARD_CLOCK_HZ_icebreaker) */
#ifndef VB_CLOCK_HZ
#error "build with -DVB_CLOCK_HZ=... (tests/board/board.mk)"
#endif

typedef struct vurb {
  ft_urb fu;
  UMockdevIoctlData *ud;   /* the client's struct usbdevfs_urb (local copy) */
  UMockdevIoctlData *bd;   /* its buffer */
  UMockdevIoctlClient *client; /* the fd it was submitted on (usbfs queues are per fd) */
  int done;                /* completed, waiting to be reaped */
  struct vurb *next_all;
} vurb;

typedef struct vboard {
  ft2232h *ft;
  UMockdevTestbed *tb;
  UMockdevIoctlBase *handler;
  GMainLoop *loop;
  char devnode[64];
  char syspath_rel[160];
  char *syspath;           /* as returned by the testbed */
  int pty_master;
  int gone;
  int claimed[2];
  int kdriver[2];          /* ftdi_sio bound to the interface */
  vurb *all;               /* every URB not yet reaped */
  GPid child;
  int child_status;
  int child_done;
  int verbose;
  int wall_slice_ms;
  uint64_t reaps_empty, reaps;
  const char *stats_path;
} vboard;

static void vlog(vboard *vb, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void vlog(vboard *vb, const char *fmt, ...) {
  if (!vb->verbose) return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "tatami-vboard: [%" PRIu64 "] ", ft_cycles(vb->ft));
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* ------------------------------------------------------------ unplug */
static void do_unplug(vboard *vb) {
  if (vb->gone) return;
  vb->gone = 1;
  ft_unplug(vb->ft);
  fprintf(stderr, "tatami-vboard: unplugging the board after %" PRIu64 " cycles\n",
          ft_cycles(vb->ft));
  /* the client's node is a pty: closing our side raises POLLERR|POLLHUP on
   * its fd, as usbfs does for a disconnected device */
  if (vb->pty_master >= 0) {
    close(vb->pty_master);
    vb->pty_master = -1;
  }
  umockdev_testbed_uevent(vb->tb, vb->syspath, "remove");
  umockdev_testbed_remove_device(vb->tb, vb->syspath);
}

/* ------------------------------------------------------------ ioctls */
static void complete_err(UMockdevIoctlClient *c, int err) { umockdev_ioctl_client_complete(c, -1, err); }

static UMockdevIoctlData *resolve(UMockdevIoctlData *d, size_t off, size_t len) {
  GError *e = NULL;
  UMockdevIoctlData *r = umockdev_ioctl_data_resolve(d, off, len, &e);
  if (e) {
    fprintf(stderr, "tatami-vboard: cannot read client memory: %s\n", e->message);
    g_error_free(e);
    return NULL;
  }
  return r;
}

static void vurb_free(vboard *vb, vurb *v) {
  for (vurb **pp = &vb->all; *pp; pp = &(*pp)->next_all)
    if (*pp == v) {
      *pp = v->next_all;
      break;
    }
  if (v->bd) g_object_unref(v->bd);
  if (v->ud) g_object_unref(v->ud);
  if (v->client) g_object_unref(v->client);
  g_free(v);
}

static void do_submit(vboard *vb, UMockdevIoctlClient *client, UMockdevIoctlData *arg) {
  if (vb->gone) {
    complete_err(client, ENODEV);
    return;
  }
  UMockdevIoctlData *ud = resolve(arg, 0, sizeof(struct usbdevfs_urb));
  if (!ud) {
    complete_err(client, EFAULT);
    return;
  }
  struct usbdevfs_urb *urb = (struct usbdevfs_urb *)ud->data;
  UMockdevIoctlData *bd = NULL;
  if (urb->buffer_length < 0 || (urb->buffer_length > 0 && !urb->buffer)) {
    g_object_unref(ud);
    complete_err(client, EINVAL);
    return;
  }
  if (urb->buffer_length > 0) {
    bd = resolve(ud, offsetof(struct usbdevfs_urb, buffer), (size_t)urb->buffer_length);
    if (!bd) {
      g_object_unref(ud);
      complete_err(client, EFAULT);
      return;
    }
  }
  vurb *v = g_new0(vurb, 1);
  v->client = g_object_ref(client);
  v->ud = ud;
  v->bd = bd;
  v->fu.ep = urb->endpoint;
  v->fu.buf = bd ? bd->data : NULL;
  v->fu.len = urb->buffer_length;
  v->fu.flags = urb->flags;
  v->fu.user = v;
  if (urb->type == USBDEVFS_URB_TYPE_CONTROL && (urb->endpoint & 0x7F) == 0) {
    if (urb->buffer_length < 8) {
      vurb_free(vb, v);
      complete_err(client, EINVAL);
      return;
    }
    v->next_all = vb->all;
    vb->all = v;
    const uint8_t *s = v->fu.buf;
    vlog(vb, "control %02x %02x wValue %04x wIndex %04x wLength %u", s[0], s[1],
         s[2] | s[3] << 8, s[4] | s[5] << 8, s[6] | s[7] << 8);
    ft_submit_control(vb->ft, &v->fu);
  } else if (urb->type == USBDEVFS_URB_TYPE_BULK) {
    int ifc = (urb->endpoint == 0x81 || urb->endpoint == 0x02) ? 0 : 1;
    if (!vb->claimed[ifc]) { /* usbfs claims implicitly; a kernel driver blocks it */
      if (vb->kdriver[ifc]) {
        vurb_free(vb, v);
        complete_err(client, EBUSY);
        return;
      }
      vb->claimed[ifc] = 1;
    }
    v->next_all = vb->all;
    vb->all = v;
    if (ft_submit_bulk(vb->ft, &v->fu) != 0) {
      vurb_free(vb, v);
      complete_err(client, ENOENT);
      return;
    }
    vlog(vb, "submit bulk ep %02x len %d", urb->endpoint, urb->buffer_length);
  } else {
    vurb_free(vb, v);
    complete_err(client, EINVAL);
    return;
  }
  umockdev_ioctl_client_complete(client, 0, 0);
  if (ft_unplug_requested(vb->ft)) do_unplug(vb);
}

/* Move completed URBs from the FT2232H model to their vurbs. */
static void collect_done(vboard *vb) {
  ft_urb *u;
  while ((u = ft_pop_done(vb->ft))) ((vurb *)u->user)->done = 1;
}

/* The oldest completed URB of this client. URBs of clients whose fd was
 * closed are dropped (the kernel kills them on close). The list is newest
 * first, so the last match is the oldest. */
static vurb *take_done(vboard *vb, UMockdevIoctlClient *client) {
  vurb *found = NULL;
  for (vurb *v = vb->all, *next; v; v = next) {
    next = v->next_all;
    if (v->client != client && !umockdev_ioctl_client_get_connected(v->client)) {
      if (!v->done) ft_discard(vb->ft, &v->fu);
      collect_done(vb);
      vurb_free(vb, v);
      continue;
    }
    if (v->done && v->client == client) found = v;
  }
  return found;
}

static int client_pending(vboard *vb, UMockdevIoctlClient *client) {
  for (vurb *v = vb->all; v; v = v->next_all)
    if (!v->done && v->client == client) return 1;
  return 0;
}

static void do_reap(vboard *vb, UMockdevIoctlClient *client, UMockdevIoctlData *arg, int block) {
  collect_done(vb);
  vurb *v = take_done(vb, client);
  vb->reaps++;
  if (!v && !vb->gone && client_pending(vb, client)) {
    /* The host waits: simulated time runs until some URB completes (or a
     * slice of wall time passes, so the host's own timeouts still work). */
    gint64 t0 = g_get_monotonic_time();
    gint64 limit = (gint64)vb->wall_slice_ms * 1000 * (block ? 50 : 1);
    for (;;) {
      ft_run(vb->ft, 4096);
      if (ft_unplug_requested(vb->ft)) do_unplug(vb);
      collect_done(vb);
      v = take_done(vb, client);
      if (v || vb->gone || !client_pending(vb, client)) break;
      if (g_get_monotonic_time() - t0 >= limit) break;
    }
  }
  if (!v) {
    vb->reaps_empty++;
    complete_err(client, vb->gone ? ENODEV : EAGAIN);
    return;
  }
  ft_urb *u = &v->fu;
  struct usbdevfs_urb *urb = (struct usbdevfs_urb *)v->ud->data;
  urb->status = u->status;
  urb->actual_length = u->actual;
  vlog(vb, "reap ep %02x status %d actual %d packets %d", u->ep, u->status, u->actual, u->packets);
  UMockdevIoctlData *pd = resolve(arg, 0, sizeof(void *));
  if (!pd) {
    complete_err(client, EFAULT);
    return;
  }
  umockdev_ioctl_data_set_ptr(pd, 0, v->ud);
  umockdev_ioctl_client_complete(client, 0, 0);
  g_object_unref(pd);
  vurb_free(vb, v);
}

static void do_discard(vboard *vb, UMockdevIoctlClient *client, UMockdevIoctlData *arg) {
  gulong addr = *(gulong *)arg->data;
  for (vurb *v = vb->all; v; v = v->next_all) {
    if (v->client == client && v->ud->client_addr == addr) {
      if (ft_discard(vb->ft, &v->fu) == 0) {
        vlog(vb, "discard ep %02x", v->fu.ep);
        umockdev_ioctl_client_complete(client, 0, 0);
      } else {
        complete_err(client, EINVAL);
      }
      return;
    }
  }
  complete_err(client, EINVAL);
}

static int read_uint(UMockdevIoctlData *arg, unsigned *out) {
  UMockdevIoctlData *d = resolve(arg, 0, sizeof(unsigned));
  if (!d) return -1;
  memcpy(out, d->data, sizeof *out);
  g_object_unref(d);
  return 0;
}

static gboolean on_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer user) {
  vboard *vb = user;
  (void)handler;
  gulong req = umockdev_ioctl_client_get_request(client);
  UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
  unsigned v;

  if (req == USBDEVFS_SUBMITURB) {
    do_submit(vb, client, arg);
    return TRUE;
  }
  if (req == USBDEVFS_REAPURBNDELAY || req == USBDEVFS_REAPURB) {
    do_reap(vb, client, arg, req == USBDEVFS_REAPURB);
    return TRUE;
  }
  if (req == USBDEVFS_DISCARDURB) {
    do_discard(vb, client, arg);
    return TRUE;
  }
  if (vb->gone) {
    complete_err(client, ENODEV);
    return TRUE;
  }
  if (req == USBDEVFS_GET_CAPABILITIES) {
    UMockdevIoctlData *d = resolve(arg, 0, sizeof(uint32_t));
    if (!d) { complete_err(client, EFAULT); return TRUE; }
    uint32_t caps = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |
                    USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
    memcpy(d->data, &caps, sizeof caps);
    umockdev_ioctl_client_complete(client, 0, 0);
    g_object_unref(d);
  } else if (req == USBDEVFS_CLAIMINTERFACE || req == USBDEVFS_RELEASEINTERFACE) {
    if (read_uint(arg, &v)) { complete_err(client, EFAULT); return TRUE; }
    vlog(vb, "%s interface %u", req == USBDEVFS_CLAIMINTERFACE ? "claim" : "release", v);
    if (v > 1) complete_err(client, ENOENT);
    else if (req == USBDEVFS_CLAIMINTERFACE && vb->kdriver[v]) complete_err(client, EBUSY);
    else if (req == USBDEVFS_RELEASEINTERFACE && !vb->claimed[v]) complete_err(client, EINVAL);
    else {
      vb->claimed[v] = req == USBDEVFS_CLAIMINTERFACE;
      umockdev_ioctl_client_complete(client, 0, 0);
    }
  } else if (req == USBDEVFS_GETDRIVER) {
    UMockdevIoctlData *d = resolve(arg, 0, sizeof(struct usbdevfs_getdriver));
    if (!d) { complete_err(client, EFAULT); return TRUE; }
    struct usbdevfs_getdriver *gd = (struct usbdevfs_getdriver *)d->data;
    if (gd->interface > 1) complete_err(client, EINVAL);
    else if (vb->kdriver[gd->interface]) {
      snprintf(gd->driver, sizeof gd->driver, "ftdi_sio");
      umockdev_ioctl_client_complete(client, 0, 0);
    } else if (vb->claimed[gd->interface]) {
      snprintf(gd->driver, sizeof gd->driver, "usbfs");
      umockdev_ioctl_client_complete(client, 0, 0);
    } else {
      complete_err(client, ENODATA);
    }
    g_object_unref(d);
  } else if (req == USBDEVFS_IOCTL) {
    UMockdevIoctlData *d = resolve(arg, 0, sizeof(struct usbdevfs_ioctl));
    if (!d) { complete_err(client, EFAULT); return TRUE; }
    struct usbdevfs_ioctl *io = (struct usbdevfs_ioctl *)d->data;
    int ifc = io->ifno;
    if (ifc < 0 || ifc > 1) complete_err(client, EINVAL);
    else if ((unsigned long)io->ioctl_code == USBDEVFS_DISCONNECT) {
      vlog(vb, "detach kernel driver from interface %d", ifc);
      if (!vb->kdriver[ifc]) complete_err(client, ENODATA);
      else {
        vb->kdriver[ifc] = 0;
        umockdev_ioctl_client_complete(client, 0, 0);
      }
    } else if ((unsigned long)io->ioctl_code == USBDEVFS_CONNECT) {
      if (!vb->claimed[ifc]) vb->kdriver[ifc] = 1;
      umockdev_ioctl_client_complete(client, 0, 0);
    } else {
      complete_err(client, ENOTTY);
    }
    g_object_unref(d);
  } else if (req == USBDEVFS_DISCONNECT_CLAIM) {
    UMockdevIoctlData *d = resolve(arg, 0, sizeof(struct usbdevfs_disconnect_claim));
    if (!d) { complete_err(client, EFAULT); return TRUE; }
    struct usbdevfs_disconnect_claim *dc = (struct usbdevfs_disconnect_claim *)d->data;
    if (dc->interface > 1) complete_err(client, EINVAL);
    else {
      int drop = 1;
      if ((dc->flags & USBDEVFS_DISCONNECT_CLAIM_IF_DRIVER) && strcmp(dc->driver, "ftdi_sio") != 0) drop = 0;
      if ((dc->flags & USBDEVFS_DISCONNECT_CLAIM_EXCEPT_DRIVER) && strcmp(dc->driver, "ftdi_sio") == 0) drop = 0;
      if (vb->kdriver[dc->interface] && !drop) complete_err(client, EBUSY);
      else {
        vlog(vb, "disconnect-claim interface %u", dc->interface);
        vb->kdriver[dc->interface] = 0;
        vb->claimed[dc->interface] = 1;
        umockdev_ioctl_client_complete(client, 0, 0);
      }
    }
    g_object_unref(d);
  } else if (req == USBDEVFS_SETINTERFACE) {
    UMockdevIoctlData *d = resolve(arg, 0, sizeof(struct usbdevfs_setinterface));
    if (!d) { complete_err(client, EFAULT); return TRUE; }
    struct usbdevfs_setinterface *si = (struct usbdevfs_setinterface *)d->data;
    if (si->interface > 1 || si->altsetting != 0) complete_err(client, EINVAL);
    else umockdev_ioctl_client_complete(client, 0, 0);
    g_object_unref(d);
  } else if (req == USBDEVFS_SETCONFIGURATION) {
    if (read_uint(arg, &v)) { complete_err(client, EFAULT); return TRUE; }
    if ((int)v != 1 && (int)v != -1 && v != 0) complete_err(client, EINVAL);
    else if ((vb->claimed[0] || vb->claimed[1]) && (int)v != 1) complete_err(client, EBUSY);
    else umockdev_ioctl_client_complete(client, 0, 0);
  } else if (req == USBDEVFS_RESET) {
    vlog(vb, "usb reset");
    ft_usb_reset(vb->ft);
    umockdev_ioctl_client_complete(client, 0, 0);
  } else if (req == USBDEVFS_CLEAR_HALT || req == USBDEVFS_RESETEP) {
    if (read_uint(arg, &v)) { complete_err(client, EFAULT); return TRUE; }
    if (v != 0x81 && v != 0x02 && v != 0x83 && v != 0x04 && v != 0 && v != 0x80) complete_err(client, ENOENT);
    else umockdev_ioctl_client_complete(client, 0, 0);
  } else if (req == USBDEVFS_CONNECTINFO) {
    UMockdevIoctlData *d = resolve(arg, 0, sizeof(struct usbdevfs_connectinfo));
    if (!d) { complete_err(client, EFAULT); return TRUE; }
    struct usbdevfs_connectinfo *ci = (struct usbdevfs_connectinfo *)d->data;
    ci->devnum = 2;
    ci->slow = 0;
    umockdev_ioctl_client_complete(client, 0, 0);
    g_object_unref(d);
#ifdef USBDEVFS_GET_SPEED
  } else if (req == USBDEVFS_GET_SPEED) {
    umockdev_ioctl_client_complete(client, 3 /* USB_SPEED_HIGH */, 0);
#endif
#ifdef USBDEVFS_DROP_PRIVILEGES
  } else if (req == USBDEVFS_DROP_PRIVILEGES) {
    umockdev_ioctl_client_complete(client, 0, 0);
#endif
  } else {
    vlog(vb, "unsupported ioctl %lx", (unsigned long)req);
    complete_err(client, ENOTTY);
  }
  return TRUE;
}

/* ------------------------------------------------------------ testbed */
static void hex(char *out, const uint8_t *b, size_t n) {
  for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02X", b[i]);
  out[2 * n] = 0;
}

static int setup_testbed(vboard *vb, unsigned bus, unsigned port, unsigned devnum, const char *serial) {
  GError *e = NULL;
  uint8_t desc[128];
  char dhex[300];
  size_t dl = ft_descriptors(desc, sizeof desc, serial);
  hex(dhex, desc, dl);

  vb->tb = umockdev_testbed_new();
  vb->handler = umockdev_ioctl_base_new();
  g_signal_connect(vb->handler, "handle-ioctl", G_CALLBACK(on_ioctl), vb);
  snprintf(vb->devnode, sizeof vb->devnode, "/dev/bus/usb/%03u/%03u", bus, devnum);
  if (!umockdev_testbed_attach_ioctl(vb->tb, vb->devnode, vb->handler, &e)) {
    fprintf(stderr, "tatami-vboard: attach_ioctl: %s\n", e ? e->message : "failed");
    return -1;
  }
  /* root hub, then the FT2232H on one of its ports */
  static const uint8_t hub[] = {
    0x12, 0x01, 0x00, 0x02, 0x09, 0x00, 0x01, 0x40, 0x6b, 0x1d, 0x02, 0x00, 0x06, 0x06, 0x03, 0x02, 0x01, 0x01,
    0x09, 0x02, 0x19, 0x00, 0x01, 0x01, 0x00, 0xe0, 0x00,
    0x09, 0x04, 0x00, 0x00, 0x01, 0x09, 0x00, 0x00, 0x00,
    0x07, 0x05, 0x81, 0x03, 0x04, 0x00, 0x0c};
  char hhex[2 * sizeof hub + 1];
  hex(hhex, hub, sizeof hub);
  GString *s = g_string_new(NULL);
  g_string_append_printf(s,
    "P: /devices/pci0000:00/0000:00:14.0/usb%u\n"
    "N: bus/usb/%03u/001\n"
    "E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\nE: DRIVER=usb\n"
    "E: BUSNUM=%03u\nE: DEVNUM=001\nE: DEVNAME=/dev/bus/usb/%03u/001\n"
    "E: PRODUCT=1d6b/2/606\n"
    "A: busnum=%u\\n\nA: devnum=1\\n\nA: speed=480\\n\nA: bConfigurationValue=1\\n\n"
    "A: idVendor=1d6b\\n\nA: idProduct=0002\\n\n"
    "H: descriptors=%s\n\n",
    bus, bus, bus, bus, bus, hhex);
  snprintf(vb->syspath_rel, sizeof vb->syspath_rel,
           "/devices/pci0000:00/0000:00:14.0/usb%u/%u-%u", bus, bus, port);
  g_string_append_printf(s,
    "P: %s\n"
    "N: bus/usb/%03u/%03u\n"
    "E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\nE: DRIVER=usb\n"
    "E: BUSNUM=%03u\nE: DEVNUM=%03u\nE: DEVNAME=/dev/bus/usb/%03u/%03u\n"
    "E: PRODUCT=403/6010/700\nE: ID_VENDOR_ID=0403\nE: ID_MODEL_ID=6010\n"
    "A: busnum=%u\\n\nA: devnum=%u\\n\nA: devpath=%u\\n\nA: speed=480\\n\n"
    "A: bConfigurationValue=1\\n\nA: bNumInterfaces= 2\\n\nA: bNumConfigurations=1\\n\n"
    "A: idVendor=0403\\n\nA: idProduct=6010\\n\nA: bcdDevice=0700\\n\n"
    "A: manufacturer=FTDI\\n\nA: product=Dual RS232-H\\n\n",
    vb->syspath_rel, bus, devnum, bus, devnum, bus, devnum, bus, devnum, port);
  if (serial && *serial) g_string_append_printf(s, "A: serial=%s\\n\n", serial);
  g_string_append_printf(s, "H: descriptors=%s\n\n", dhex);
  if (!umockdev_testbed_add_from_string(vb->tb, s->str, &e)) {
    fprintf(stderr, "tatami-vboard: add device: %s\n", e ? e->message : "failed");
    g_string_free(s, TRUE);
    return -1;
  }
  g_string_free(s, TRUE);
  /* the testbed names devices by their /sys path */
  vb->syspath = g_strconcat("/sys", vb->syspath_rel, NULL);

  /* umockdev backs USB nodes with a plain file; make it a pty instead, so
   * that unplugging can raise POLLERR on the client's fd like usbfs does. */
  char *root = umockdev_testbed_get_root_dir(vb->tb);
  char *node = g_strconcat(root, vb->devnode, NULL);
  g_free(root);
  int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0 || grantpt(m) || unlockpt(m)) {
    fprintf(stderr, "tatami-vboard: no pty: %s\n", strerror(errno));
    g_free(node);
    return -1;
  }
  const char *pts = ptsname(m);
  if (!pts || unlink(node) != 0 || symlink(pts, node) != 0) {
    fprintf(stderr, "tatami-vboard: cannot replace %s by a pty: %s\n", node, strerror(errno));
    g_free(node);
    return -1;
  }
  g_free(node);
  vb->pty_master = m;
  return 0;
}

/* ------------------------------------------------------------ child */
static void on_child(GPid pid, gint status, gpointer user) {
  vboard *vb = user;
  vb->child_status = status;
  vb->child_done = 1;
  g_spawn_close_pid(pid);
  g_main_loop_quit(vb->loop);
}

static gboolean on_signal(gpointer user) {
  vboard *vb = user;
  if (vb->child > 0 && !vb->child_done) kill(vb->child, SIGTERM);
  return G_SOURCE_CONTINUE;
}

static void write_stats(vboard *vb) {
  ft_stats st;
  ft_get_stats(vb->ft, &st);
  FILE *f = stderr;
  if (vb->stats_path) {
    f = fopen(vb->stats_path, "w");
    if (!f) {
      fprintf(stderr, "tatami-vboard: cannot write %s\n", vb->stats_path);
      return;
    }
  } else if (!vb->verbose) {
    return;
  }
  fprintf(f,
          "cycles=%" PRIu64 "\nbaud=%.0f\nbit_period=%u/%u\nlatency_ms=%u\nbaud_sets=%" PRIu64 "\n"
          "out_bytes=%" PRIu64 "\nin_bytes=%" PRIu64 "\nuart_to_fpga=%" PRIu64 "\nuart_from_fpga=%" PRIu64 "\n"
          "faults_drop=%" PRIu64 "\nfaults_dup=%" PRIu64 "\nfaults_corrupt=%" PRIu64 "\n"
          "framing_errors=%" PRIu64 "\noverruns=%" PRIu64 "\n"
          "pkt_full=%" PRIu64 "\npkt_short=%" PRIu64 "\npkt_status_only=%" PRIu64 "\n"
          "urbs_in=%" PRIu64 "\nurbs_out=%" PRIu64 "\nurbs_multi_packet=%" PRIu64 "\nmax_packets_per_urb=%" PRIu64 "\n"
          "ctrl_requests=%" PRIu64 "\nunknown_requests=%" PRIu64 "\nreaps=%" PRIu64 "\nreaps_empty=%" PRIu64 "\n"
          "unplugged=%d\n",
          st.cycles, st.baud, st.baud_num, st.baud_den, st.latency_ms, st.baud_sets, st.out_bytes, st.in_bytes,
          st.uart_to_fpga, st.uart_from_fpga, st.faults_drop, st.faults_dup, st.faults_corrupt,
          st.framing_errors, st.overruns, st.pkt_full, st.pkt_short, st.pkt_status_only, st.urbs_in,
          st.urbs_out, st.urbs_multi_packet, st.max_packets_per_urb, st.ctrl_requests, st.unknown_requests,
          vb->reaps, vb->reaps_empty, vb->gone);
  if (f != stderr) fclose(f);
}

static void usage(void) {
  fprintf(stderr,
    "usage: umockdev-wrapper tatami-vboard [options] -- command [args...]\n"
    "  A virtual iCEBreaker: an FT2232H (0403:6010) on an emulated USB bus with the\n"
    "  Verilator model of the board (%s) behind its channel B UART.\n"
    "options:\n"
    "  --model=rtl|loopback     board behind the UART (loopback: TX repeats RX)\n"
    "  --serial=S               iSerialNumber string (default: none, like a blank EEPROM)\n"
    "  --bus=N --port=N --devnum=N   USB location (default 1, 2, 2)\n"
    "  --clock=HZ               board clock (default %d)\n"
    "  --latency=MS             override the latency timer the host sets\n"
    "  --faults=RATE --seed=N   drop/duplicate/corrupt UART bytes (both directions)\n"
    "  --split=SEED             vary the data per IN packet at random\n"
    "  --unplug-after-bytes=N   unplug once N bulk payload bytes moved\n"
    "  --unplug-after-urbs=N    unplug at the Nth bulk URB\n"
    "  --stall=reset|tx-high|tx-low  the board stops answering ...\n"
    "  --stall-after=N          ... once N bytes went to the FPGA (default 0)\n"
    "  --no-kernel-driver       ftdi_sio is not bound at start\n"
    "  --stats=FILE             write counters (key=value) at exit\n"
    "  --power-up=N             board cycles run before the device appears (default 4096)\n"
    "  --slice-ms=N             wall time per reap before EAGAIN (default 20)\n"
    "  -v                       log every request\n",
    vb_model_name ? vb_model_name : "none built", VB_CLOCK_HZ);
}

static int opt_val(const char *arg, const char *name, const char **val) {
  size_t n = strlen(name);
  if (strncmp(arg, name, n) == 0 && arg[n] == '=') {
    *val = arg + n + 1;
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  vboard vbs;
  vboard *vb = &vbs;
  memset(vb, 0, sizeof *vb);
  vb->pty_master = -1;
  vb->wall_slice_ms = 20;
  vb->kdriver[0] = vb->kdriver[1] = 1;
  ft_options fo;
  memset(&fo, 0, sizeof fo);
  fo.clock_hz = VB_CLOCK_HZ;
  const char *model = vb_model_name ? "rtl" : "loopback";
  const char *serial = NULL;
  unsigned bus = 1, port = 2, devnum = 2;
  uint64_t powerup = 4096;
  int i;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    if (strcmp(a, "--") == 0) { i++; break; }
    if (opt_val(a, "--model", &v)) model = v;
    else if (opt_val(a, "--serial", &v)) serial = v;
    else if (opt_val(a, "--bus", &v)) bus = (unsigned)strtoul(v, NULL, 0);
    else if (opt_val(a, "--port", &v)) port = (unsigned)strtoul(v, NULL, 0);
    else if (opt_val(a, "--devnum", &v)) devnum = (unsigned)strtoul(v, NULL, 0);
    else if (opt_val(a, "--clock", &v)) fo.clock_hz = strtoull(v, NULL, 0);
    else if (opt_val(a, "--latency", &v)) fo.latency_override_ms = atoi(v);
    else if (opt_val(a, "--faults", &v)) fo.fault_rate = strtod(v, NULL);
    else if (opt_val(a, "--seed", &v)) fo.fault_seed = strtoull(v, NULL, 0);
    else if (opt_val(a, "--split", &v)) { fo.split = FT_SPLIT_RANDOM; fo.split_seed = strtoull(v, NULL, 0); }
    else if (opt_val(a, "--unplug-after-bytes", &v)) fo.unplug_after_bytes = strtoull(v, NULL, 0);
    else if (opt_val(a, "--unplug-after-urbs", &v)) fo.unplug_after_urbs = strtoull(v, NULL, 0);
    else if (opt_val(a, "--stall", &v)) {
      if (strcmp(v, "reset") == 0) fo.stall = FT_STALL_RESET;
      else if (strcmp(v, "tx-high") == 0) fo.stall = FT_STALL_TX_HIGH;
      else if (strcmp(v, "tx-low") == 0) fo.stall = FT_STALL_TX_LOW;
      else { usage(); return 2; }
    }
    else if (opt_val(a, "--stall-after", &v)) fo.stall_after = strtoull(v, NULL, 0);
    else if (opt_val(a, "--stats", &v)) vb->stats_path = v;
    else if (opt_val(a, "--power-up", &v)) powerup = strtoull(v, NULL, 0);
    else if (opt_val(a, "--slice-ms", &v)) vb->wall_slice_ms = atoi(v);
    else if (strcmp(a, "--no-kernel-driver") == 0) vb->kdriver[0] = vb->kdriver[1] = 0;
    else if (strcmp(a, "-v") == 0) vb->verbose = 1;
    else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) { usage(); return 0; }
    else { fprintf(stderr, "tatami-vboard: unknown option %s\n", a); usage(); return 2; }
  }
  if (i >= argc) { usage(); return 2; }
  if (fo.fault_rate < 0 || fo.fault_rate >= 1 || bus < 1 || bus > 255 || devnum < 2 || devnum > 127 ||
      port < 1 || port > 15 || fo.clock_hz == 0) {
    fprintf(stderr, "tatami-vboard: option out of range\n");
    return 2;
  }
  const char *preload = getenv("LD_PRELOAD");
  if (!preload || !strstr(preload, "libumockdev-preload")) {
    /* re-run under the preload library (what umockdev-wrapper does) */
    char *pre = g_strdup_printf("libumockdev-preload.so.0%s%s", preload && *preload ? ":" : "",
                                preload ? preload : "");
    setenv("LD_PRELOAD", pre, 1);
    g_free(pre);
    execv("/proc/self/exe", argv);
    fprintf(stderr, "tatami-vboard: cannot re-exec under umockdev: %s\n", strerror(errno));
    return 2;
  }

  ft_board board;
  memset(&board, 0, sizeof board);
  if (strcmp(model, "loopback") == 0) {
    vb_loopback_board(5, &board);
  } else if (strcmp(model, "rtl") == 0 || strcmp(model, "gate") == 0) {
    if (!vb_model_name) {
      fprintf(stderr, "tatami-vboard: no board model in this build (boards/ missing)\n");
      return 2;
    }
    board.ctx = vb_model_create();
    board.tick = vb_model_tick;
    board.leds = vb_model_leds;
    board.destroy = vb_model_destroy;
  } else {
    fprintf(stderr, "tatami-vboard: unknown model %s\n", model);
    return 2;
  }
  vb->ft = ft_create(&fo, board);
  if (!vb->ft) return 2;
  ft_power_up(vb->ft, powerup);
  if (setup_testbed(vb, bus, port, devnum, serial) != 0) return 2;

  GError *e = NULL;
  vb->loop = g_main_loop_new(NULL, FALSE);
  if (!g_spawn_async(NULL, argv + i, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CHILD_INHERITS_STDIN,
                     NULL, NULL, &vb->child, &e)) {
    fprintf(stderr, "tatami-vboard: cannot run %s: %s\n", argv[i], e ? e->message : "?");
    return 127;
  }
  g_child_watch_add(vb->child, on_child, vb);
  g_unix_signal_add(SIGTERM, on_signal, vb);
  g_unix_signal_add(SIGINT, on_signal, vb);
  g_unix_signal_add(SIGHUP, on_signal, vb);
  g_main_loop_run(vb->loop);

  write_stats(vb);
  int rc;
  if (WIFEXITED(vb->child_status)) rc = WEXITSTATUS(vb->child_status);
  else if (WIFSIGNALED(vb->child_status)) {
    fprintf(stderr, "tatami-vboard: %s killed by signal %d\n", argv[i], WTERMSIG(vb->child_status));
    rc = 128 + WTERMSIG(vb->child_status);
  } else rc = 1;

  umockdev_testbed_detach_ioctl(vb->tb, vb->devnode, NULL);
  while (vb->all) vurb_free(vb, vb->all);
  if (vb->pty_master >= 0) close(vb->pty_master);
  g_object_unref(vb->handler);
  g_object_unref(vb->tb);
  g_main_loop_unref(vb->loop);
  g_free(vb->syspath);
  ft_destroy(vb->ft);
  return rc;
}
