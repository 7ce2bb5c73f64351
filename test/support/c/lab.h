/*
 * lab.h: small helpers shared by the scenario programs of test/support/scenarios.ts.
 * Header-only (static functions); spawners.ts hashes it with each program that includes it.
 */
#ifndef LAB_H
#define LAB_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *lab_name = "lab";

/* Every program calls this first: it names itself in messages and dies with its parent. */
static __attribute__((unused)) void lab_init(const char *name) {
  lab_name = name;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/* Prints "<name>: <what>: <strerror(errno)>" on stderr and exits 71. */
static __attribute__((unused, noreturn)) void die(const char *what) {
  dprintf(2, "%s: %s: %s\n", lab_name, what, strerror(errno));
  exit(71);
}

static __attribute__((unused, noreturn)) void usage(const char *text) {
  dprintf(2, "usage: %s\n", text);
  exit(64);
}

/* One whole line on stdout, written with write(2) so it is never held in a buffer. */
static __attribute__((unused)) void say(const char *fmt, ...) {
  char line[65536];
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(line, sizeof line - 1, fmt, ap);
  va_end(ap);
  if (len < 0) exit(71);
  if ((size_t)len > sizeof line - 2) len = (int)sizeof line - 2;
  line[len++] = '\n';
  const char *p = line;
  while (len > 0) {
    ssize_t n = write(1, p, (size_t)len);
    if (n < 0) {
      if (errno == EINTR) continue;
      exit(3);
    }
    p += n;
    len -= (int)n;
  }
}

/* Appends ",<n>" (or "<n>" first) to a list held in buf. */
static __attribute__((unused)) void list_add(char *buf, size_t cap, int n) {
  size_t len = strlen(buf);
  snprintf(buf + len, cap - len, len ? ",%d" : "%d", n);
}

static __attribute__((unused)) void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

/* Starts a detached thread with a 64 KiB stack running fn(arg). */
static __attribute__((unused)) void start_thread(void *(*fn)(void *), void *arg) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t thread;
  errno = pthread_create(&thread, &attr, fn, arg);
  pthread_attr_destroy(&attr);
  if (errno != 0) die("pthread_create");
}

/* Waits until *started reaches n, then returns tids[0..n) as "t1,t2,…" (a static buffer). */
static __attribute__((unused)) const char *started_tids(atomic_int *started, const pid_t *tids, int n) {
  static char list[4096 * 12];
  while (atomic_load(started) < n) sleep_ms(1);
  list[0] = '\0';
  for (int i = 0; i < n && i < 4096; i++) list_add(list, sizeof list, tids[i]);
  return list;
}

static __attribute__((unused, noreturn)) void sleep_forever(void) {
  for (;;) sleep(1000);
}

/* A TCP socket listening on 127.0.0.1 at a port the kernel picks; *port gets it. */
static __attribute__((unused)) int listen_loopback(int backlog, int *port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket");
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) die("bind 127.0.0.1:0");
  if (listen(fd, backlog) != 0) die("listen");
  socklen_t len = sizeof addr;
  if (getsockname(fd, (struct sockaddr *)&addr, &len) != 0) die("getsockname");
  *port = ntohs(addr.sin_port);
  return fd;
}

static __attribute__((unused)) struct sockaddr_in loopback(int port) {
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

/* A blocking connection to 127.0.0.1:<port>. */
static __attribute__((unused)) int connect_loopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket");
  struct sockaddr_in addr = loopback(port);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) die("connect");
  return fd;
}

#endif
