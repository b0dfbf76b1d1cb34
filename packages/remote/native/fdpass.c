/*
 * File descriptors over unix sockets (SCM_RIGHTS) for @tsvirt/remote, which Node 20's core cannot
 * send or receive. A Node-API addon (ABI-stable), built by scripts/build-native.mjs with the C
 * compiler and Node's headers, no node-gyp. Four calls, each on a non-blocking socket:
 *   recv(fd)             -> { data: Buffer, fds: number[] } | null (nothing to read yet);
 *                           data of length 0 is the end of the stream
 *   send(fd, data, fds)  -> bytes written, or -1 when the socket is full
 *   watch(fd, callback)  -> a watch: callback() whenever fd is readable (libuv's poll of a
 *                           duplicate of fd, on Node's loop: libuv watches one fd number once)
 *   unwatch(watch)
 * Errors are thrown as Error objects with `code` (the errno name) and `errno`.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <uv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* libvirt passes at most 32 descriptors a message (VIR_NET_MESSAGE_NUM_FDS_MAX) */
#define MAX_FDS 32
#define RECV_BYTES 65536

/* One read buffer, reused: a call reads a few dozen bytes, and a fresh 64 KiB each time cost every
 * read an allocation; per thread, since worker threads may load the addon too */
static _Thread_local char recv_buf[RECV_BYTES];

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_value code, message, error, num;
  napi_create_string_utf8(env, uv_err_name(uv_translate_sys_error(err)), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &error);
  napi_create_int32(env, -err, &num);
  napi_set_named_property(env, error, "errno", num);
  napi_throw(env, error);
  return NULL;
}

static int arg_int(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok;
}

static napi_value do_recv(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || !arg_int(env, argv[0], &fd)) {
    napi_throw_type_error(env, NULL, "recv(fd)");
    return NULL;
  }
  union { struct cmsghdr align; char space[CMSG_SPACE(sizeof(int) * MAX_FDS)]; } control;
  struct iovec iov = { recv_buf, RECV_BYTES };
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.space;
  msg.msg_controllen = sizeof control.space;
  ssize_t n;
  do n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT); while (n < 0 && errno == EINTR);
  if (n < 0) {
    int err = errno;
    if (err == EAGAIN || err == EWOULDBLOCK) {
      napi_value nul;
      napi_get_null(env, &nul);
      return nul;
    }
    return throw_errno(env, "recvmsg", err);
  }
  napi_value result, data, fds;
  napi_create_object(env, &result);
  /* only what was read leaves the buffer */
  napi_create_buffer_copy(env, (size_t)n, recv_buf, NULL, &data);
  napi_create_array(env, &fds);
  uint32_t count = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int got[MAX_FDS];
    memcpy(got, CMSG_DATA(c), k * sizeof(int));
    for (size_t i = 0; i < k; i++) {
      napi_value v;
      napi_create_int32(env, got[i], &v);
      napi_set_element(env, fds, count++, v);
    }
  }
  napi_set_named_property(env, result, "data", data);
  napi_set_named_property(env, result, "fds", fds);
  if (msg.msg_flags & MSG_CTRUNC) {
    napi_value t;
    napi_get_boolean(env, 1, &t);
    napi_set_named_property(env, result, "truncated", t);
  }
  return result;
}

static napi_value do_send(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t fd;
  void *data;
  size_t len;
  uint32_t nfds = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3 || !arg_int(env, argv[0], &fd) || napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok ||
      napi_get_array_length(env, argv[2], &nfds) != napi_ok || nfds > MAX_FDS || (len == 0 && nfds == 0)) {
    napi_throw_type_error(env, NULL, "send(fd, buffer, fds): a buffer and at most 32 descriptors, not both empty");
    return NULL;
  }
  int fdv[MAX_FDS];
  for (uint32_t i = 0; i < nfds; i++) {
    napi_value v;
    napi_get_element(env, argv[2], i, &v);
    if (!arg_int(env, v, &fdv[i])) {
      napi_throw_type_error(env, NULL, "send: descriptors are integers");
      return NULL;
    }
  }
  char zero = 0;
  struct iovec iov = { len ? data : &zero, len ? len : 1 };
  union { struct cmsghdr align; char space[CMSG_SPACE(sizeof(int) * MAX_FDS)]; } control;
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  memset(&control, 0, sizeof control);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (nfds) {
    msg.msg_control = control.space;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
    memcpy(CMSG_DATA(c), fdv, sizeof(int) * nfds);
  }
  ssize_t n;
  do n = sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL); while (n < 0 && errno == EINTR);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return throw_errno(env, "sendmsg", errno);
  napi_value r;
  napi_create_int64(env, n < 0 ? -1 : (int64_t)n, &r);
  return r;
}

typedef struct {
  uv_poll_t poll;
  int fd; /* the duplicate polled */
  napi_env env;
  napi_ref callback;
  int closed;
} watch_t;

static void on_readable(uv_poll_t *p, int status, int events) {
  (void)events;
  watch_t *w = (watch_t *)p->data;
  napi_handle_scope scope;
  napi_open_handle_scope(w->env, &scope);
  napi_value cb, global, arg;
  napi_get_reference_value(w->env, w->callback, &cb);
  napi_get_global(w->env, &global);
  napi_create_int32(w->env, status, &arg);
  napi_value ignored;
  napi_make_callback(w->env, NULL, global, cb, 1, &arg, &ignored);
  napi_close_handle_scope(w->env, scope);
}

static void on_closed(uv_handle_t *h) {
  watch_t *w = (watch_t *)h->data;
  close(w->fd);
  free(w);
}

static void finalize_watch(napi_env env, void *data, void *hint) {
  (void)hint;
  watch_t *w = (watch_t *)data;
  if (!w->closed) {
    /* the watch object is gone without unwatch: stop and free the poll */
    w->closed = 1;
    napi_delete_reference(env, w->callback);
    uv_poll_stop(&w->poll);
    uv_close((uv_handle_t *)&w->poll, on_closed);
  }
}

static napi_value do_watch(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd;
  napi_valuetype t;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || !arg_int(env, argv[0], &fd) || napi_typeof(env, argv[1], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "watch(fd, callback)");
    return NULL;
  }
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  watch_t *w = calloc(1, sizeof *w);
  if (!w) return throw_errno(env, "watch", ENOMEM);
  w->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (w->fd < 0) {
    int err = errno;
    free(w);
    return throw_errno(env, "dup", err);
  }
  int rc = uv_poll_init(loop, &w->poll, w->fd);
  if (rc < 0) {
    close(w->fd);
    free(w);
    return throw_errno(env, "uv_poll_init", -rc);
  }
  w->poll.data = w;
  w->env = env;
  napi_create_reference(env, argv[1], 1, &w->callback);
  rc = uv_poll_start(&w->poll, UV_READABLE | UV_DISCONNECT, on_readable);
  if (rc < 0) {
    napi_delete_reference(env, w->callback);
    w->closed = 1;
    uv_close((uv_handle_t *)&w->poll, on_closed);
    return throw_errno(env, "uv_poll_start", -rc);
  }
  napi_value obj;
  napi_create_object(env, &obj);
  napi_wrap(env, obj, w, finalize_watch, NULL, NULL);
  return obj;
}

static napi_value do_unwatch(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  watch_t *w = NULL;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_remove_wrap(env, argv[0], (void **)&w) != napi_ok || !w) {
    napi_throw_type_error(env, NULL, "unwatch(watch): not an active watch");
    return NULL;
  }
  w->closed = 1;
  napi_delete_reference(env, w->callback);
  uv_poll_stop(&w->poll);
  uv_close((uv_handle_t *)&w->poll, on_closed);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "recv", NULL, do_recv, NULL, NULL, NULL, napi_enumerable, NULL },
    { "send", NULL, do_send, NULL, NULL, NULL, napi_enumerable, NULL },
    { "watch", NULL, do_watch, NULL, NULL, NULL, napi_enumerable, NULL },
    { "unwatch", NULL, do_unwatch, NULL, NULL, NULL, napi_enumerable, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE_INIT() {
  return init(env, exports);
}
