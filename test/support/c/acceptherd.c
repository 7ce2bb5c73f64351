/*
 * acceptherd: one process whose worker threads all block in accept() on one
 * listening socket (blocking; accept waits as an exclusive waiter on modern
 * kernels, inet_csk_wait_for_connect).
 *
 *   acceptherd <threads>
 *
 * Listens on 127.0.0.1:<port chosen by the kernel> (backlog 128), starts the
 * threads, and once all have started writes
 *   ready port=<port> main=<tid> tids=<tid>,<tid>,...
 * then sleeps in nanosleep. A thread that accepts a connection closes it and
 * accepts again.
 */
#include "lab.h"

static int lfd;
static pid_t *tids;
static atomic_int started;

static void *acceptor(void *arg) {
  tids[(long)arg] = gettid();
  atomic_fetch_add(&started, 1);
  for (;;) {
    int conn = accept(lfd, NULL, NULL);
    if (conn >= 0) close(conn);
  }
  return NULL;
}

int main(int argc, char **argv) {
  lab_init("acceptherd");
  int n = argc == 2 ? atoi(argv[1]) : 0;
  if (n < 1 || n > 4096) usage("acceptherd <threads 1..4096>");
  int port;
  lfd = listen_loopback(128, &port);
  tids = calloc((size_t)n, sizeof *tids);
  if (!tids) die("calloc");
  for (long i = 0; i < n; i++) start_thread(acceptor, (void *)i);
  say("ready port=%d main=%d tids=%s", port, (int)gettid(), started_tids(&started, tids, n));
  sleep_forever();
}
