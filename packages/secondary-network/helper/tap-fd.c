/*
 * tsvirt-tap-fd: the two things Node cannot do for a tap device, on descriptors it hands over.
 *
 *   tsvirt-tap-fd attach NAME [vnet_hdr]   fd 3: an open /dev/net/tun. Makes it the tap NAME
 *                                          (TUNSETIFF, IFF_TAP | IFF_NO_PI [| IFF_VNET_HDR]) and
 *                                          prints the name the kernel gave. The open file
 *                                          description is the caller's, so its own descriptor is
 *                                          the tap from then on.
 *   tsvirt-tap-fd send PAYLOAD             fd 3: a connected unix socket (QEMU's QMP), fd 4: the
 *                                          descriptor to pass. Sends PAYLOAD with fd 4 attached
 *                                          (SCM_RIGHTS), as QMP's getfd wants it.
 *
 * Exit status 0 on success, 1 with a message on stderr otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static int fail(const char *what, const char *name) {
    fprintf(stderr, "%s '%s': %s\n", what, name, strerror(errno));
    return 1;
}

static int attach(const char *name, int vnet_hdr) {
    struct ifreq ifr;
    if (strlen(name) >= IFNAMSIZ) {
        errno = ENAMETOOLONG;
        return fail("Unable to create tap device", name);
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet_hdr ? IFF_VNET_HDR : 0);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(3, TUNSETIFF, &ifr) < 0) return fail("Unable to create tap device", name);
    printf("%s\n", ifr.ifr_name);
    return 0;
}

static int send_fd(const char *payload) {
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = { .iov_base = (void *)payload, .iov_len = strlen(payload) };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control) };
    struct cmsghdr *cmsg;
    int fd = 4;
    memset(control, 0, sizeof(control));
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    while (sendmsg(3, &msg, 0) < 0) {
        if (errno != EINTR) return fail("Unable to pass a descriptor on socket", "3");
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "attach") == 0) return attach(argv[2], argc > 3 && strcmp(argv[3], "vnet_hdr") == 0);
    if (argc == 3 && strcmp(argv[1], "send") == 0) return send_fd(argv[2]);
    fprintf(stderr, "usage: %s attach NAME [vnet_hdr] | send PAYLOAD\n", argv[0]);
    return 1;
}
