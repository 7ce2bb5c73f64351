/*
 * prefork: a pre-fork TCP server whose workers each watch the one listening
 * socket with their own epoll instance (the nginx shape).
 *
 *   prefork <workers> plain|exclusive
 *
 * The master listens on 127.0.0.1:<port chosen by the kernel> (backlog 128,
 * non-blocking), then forks the workers. Each worker creates its own epoll fd
 * and adds the listening socket with EPOLLIN (plain) or EPOLLIN|EPOLLEXCLUSIVE
 * (exclusive), then loops in epoll_wait(-1); when woken it accepts what is
 * there and closes it at once (a woken worker that finds nothing gets EAGAIN:
 * the thundering herd). Once every worker has registered, the master writes
 *   ready port=<port> workers=<pid>,<pid>,...
 * and waits in wait4 for its workers.
 */
#include "lab.h"
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/wait.h>

static void worker(int lfd, int exclusive, int ready_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL); /* not inherited across fork */
  int ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  struct epoll_event ev = {.events = EPOLLIN | (exclusive ? EPOLLEXCLUSIVE : 0), .data.fd = lfd};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) != 0) die("epoll_ctl");
  if (write(ready_fd, "r", 1) != 1) die("write ready");
  close(ready_fd);
  for (;;) {
    struct epoll_event got;
    if (epoll_wait(ep, &got, 1, -1) < 1) continue;
    int conn;
    while ((conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0) close(conn);
  }
}

int main(int argc, char **argv) {
  lab_init("prefork");
  int n = argc == 3 ? atoi(argv[1]) : 0;
  if (n < 1 || (strcmp(argv[2], "plain") != 0 && strcmp(argv[2], "exclusive") != 0))
    usage("prefork <workers> plain|exclusive");
  int exclusive = strcmp(argv[2], "exclusive") == 0;
  int port;
  int lfd = listen_loopback(128, &port);
  if (fcntl(lfd, F_SETFL, O_NONBLOCK) != 0) die("fcntl O_NONBLOCK");
  int ready[2];
  if (pipe(ready) != 0) die("pipe");

  char pids[8192] = "";
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
      close(ready[0]);
      worker(lfd, exclusive, ready[1]);
    }
    list_add(pids, sizeof pids, pid);
  }
  close(ready[1]);
  char byte;
  for (int got = 0; got < n;)
    if (read(ready[0], &byte, 1) == 1) got++;
    else die("a worker failed before it was ready");
  close(ready[0]);
  say("ready port=%d workers=%s", port, pids);
  for (;;)
    if (wait(NULL) < 0 && errno == ECHILD) return 0;
}
