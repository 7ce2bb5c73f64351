/*
 * tpc: a thread-per-connection TCP server.
 *
 *   tpc <connections>
 *
 * Listens on 127.0.0.1:<port chosen by the kernel> (backlog 128) and writes
 * "listening port=<port>". The main thread accepts connections and starts one
 * thread per connection, which blocks in read() on it (a read of 0 bytes, the
 * peer's close, ends the thread). Once <connections> threads have started it
 * writes
 *   ready main=<tid> tids=<tid>,<tid>,...
 * and goes on blocking in accept() for more.
 */
#include "lab.h"

static pid_t *tids;
static atomic_int started;

struct conn {
  int fd;
  int index;
};

static void *serve(void *arg) {
  struct conn c = *(struct conn *)arg;
  free(arg);
  if (c.index >= 0) tids[c.index] = gettid();
  atomic_fetch_add(&started, 1);
  char buf[4096];
  while (read(c.fd, buf, sizeof buf) > 0) {
  }
  close(c.fd);
  return NULL;
}

int main(int argc, char **argv) {
  lab_init("tpc");
  int n = argc == 2 ? atoi(argv[1]) : 0;
  if (n < 1 || n > 4096) usage("tpc <connections 1..4096>");
  int port;
  int lfd = listen_loopback(128, &port);
  tids = calloc((size_t)n, sizeof *tids);
  if (!tids) die("calloc");
  say("listening port=%d", port);
  for (int accepted = 0;; accepted++) {
    struct conn *c = malloc(sizeof *c);
    if (!c) die("malloc");
    c->fd = accept(lfd, NULL, NULL);
    if (c->fd < 0) die("accept");
    c->index = accepted < n ? accepted : -1;
    start_thread(serve, c);
    if (accepted + 1 == n) say("ready main=%d tids=%s", (int)gettid(), started_tids(&started, tids, n));
  }
}
