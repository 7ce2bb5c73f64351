/*
 * unixpair: two processes connected by one unix stream socket bound to <path>;
 * the first blocks reading it, its peer sleeps holding the other end.
 *
 *   unixpair <socket-path>
 *
 * The main process binds and listens on <path>, forks the peer (which connects
 * and then sleeps in nanosleep, never writing), accepts, closes the listening
 * socket, unlinks <path> (the accepted socket keeps the name in /proc/net/unix),
 * writes "ready peer=<pid> fd=<accepted fd>\n" on stdout and blocks in read() on
 * the accepted socket forever.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int fail(const char *what) {
  dprintf(2, "unixpair: %s: %s\n", what, strerror(errno));
  return 71;
}

int main(int argc, char **argv) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (argc != 2 || strlen(argv[1]) >= sizeof addr.sun_path) {
    dprintf(2, "usage: unixpair <socket-path shorter than %zu>\n", sizeof addr.sun_path);
    return 64;
  }
  strcpy(addr.sun_path, argv[1]);
  int listener = socket(AF_UNIX, SOCK_STREAM, 0);
  if (listener < 0) return fail("socket");
  unlink(addr.sun_path);
  if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0) return fail("bind");
  if (listen(listener, 1) != 0) return fail("listen");

  pid_t self = getpid();
  pid_t peer = fork();
  if (peer < 0) return fail("fork");
  if (peer == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != self) _exit(70);
    close(listener);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof addr) != 0) _exit(fail("connect"));
    for (;;) sleep(1000);
  }
  int conn = accept(listener, NULL, NULL);
  if (conn < 0) return fail("accept");
  close(listener);
  unlink(addr.sun_path);
  dprintf(1, "ready peer=%d fd=%d\n", (int)peer, conn);
  char byte;
  for (;;) {
    ssize_t n = read(conn, &byte, 1);
    if (n == 0) for (;;) sleep(1000); /* peer gone: stay put until killed */
  }
}
