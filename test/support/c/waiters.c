/*
 * waiters: a process whose n worker threads all park in one kind of wait.
 *
 *   waiters <kind> <n> [sleeping|spinning]
 *
 * kind:
 *   mutex      workers block in pthread_mutex_lock on ONE mutex that the main
 *              thread holds; the main thread then sleeps (nanosleep) or spins
 *              (R, burning CPU) as the third argument says.
 *   cond       workers park in pthread_cond_wait on ONE condition variable
 *              (nobody signals it); the main thread sleeps.
 *   nanosleep  workers sleep in nanosleep; the main thread sleeps.
 *   poll       workers poll() the read end of one empty pipe, no timeout.
 *   pipe       workers read() the read end of one empty pipe.
 *   epoll      workers epoll_wait() on one epoll fd watching that pipe.
 * For poll/pipe/epoll the main thread holds the pipe's write end and sleeps.
 *
 * Once every worker has started, writes one line on stdout:
 *   ready main=<tid> addr=<hex address of the mutex/cond, or 0x0> fd=<fd or -1> tids=<t1>,<t2>,...
 * The caller then watches /proc until the workers are actually parked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

enum kind { MUTEX, COND, NANOSLEEP, POLL, PIPE, EPOLL };

static enum kind kind;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t cond_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int pipefd[2] = {-1, -1};
static int epfd = -1;
static pid_t *tids;
static atomic_int started;

static void sleep_forever(void) {
  for (;;) sleep(1000);
}

static void *worker(void *arg) {
  int index = (int)(long)arg;
  tids[index] = gettid();
  atomic_fetch_add(&started, 1);
  char byte;
  struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
  struct epoll_event event;
  switch (kind) {
  case MUTEX:
    pthread_mutex_lock(&mutex);
    break;
  case COND:
    pthread_mutex_lock(&cond_mutex);
    for (;;) pthread_cond_wait(&cond, &cond_mutex);
  case NANOSLEEP:
    break;
  case POLL:
    for (;;) poll(&pfd, 1, -1);
  case PIPE:
    for (;;) (void)!read(pipefd[0], &byte, 1);
  case EPOLL:
    for (;;) epoll_wait(epfd, &event, 1, -1);
  }
  sleep_forever();
  return NULL;
}

static int parse_kind(const char *name) {
  static const char *names[] = {"mutex", "cond", "nanosleep", "poll", "pipe", "epoll"};
  for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
    if (strcmp(name, names[i]) == 0) return i;
  return -1;
}

static void write_all(const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(1, buf, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      exit(3);
    }
    buf += n;
    len -= (size_t)n;
  }
}

int main(int argc, char **argv) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  int parsed = argc >= 3 ? parse_kind(argv[1]) : -1;
  int n = argc >= 3 ? atoi(argv[2]) : 0;
  int spinning = argc >= 4 && strcmp(argv[3], "spinning") == 0;
  if (parsed < 0 || n < 1) {
    dprintf(2, "usage: waiters mutex|cond|nanosleep|poll|pipe|epoll <n> [sleeping|spinning]\n");
    return 64;
  }
  kind = (enum kind)parsed;
  tids = calloc((size_t)n, sizeof *tids);
  if (!tids) return 71;

  int fd = -1;
  const void *addr = NULL;
  if (kind == POLL || kind == PIPE || kind == EPOLL) {
    if (pipe(pipefd) != 0) {
      dprintf(2, "waiters: pipe: %s\n", strerror(errno));
      return 71;
    }
    fd = pipefd[0];
  }
  if (kind == EPOLL) {
    struct epoll_event event = {.events = EPOLLIN};
    epfd = epoll_create1(0);
    if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, pipefd[0], &event) != 0) {
      dprintf(2, "waiters: epoll: %s\n", strerror(errno));
      return 71;
    }
    fd = epfd;
  }
  if (kind == MUTEX) {
    pthread_mutex_lock(&mutex); /* the main thread is the holder */
    addr = &mutex;
  }
  if (kind == COND) addr = &cond;

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  for (int i = 0; i < n; i++) {
    pthread_t thread;
    int err = pthread_create(&thread, &attr, worker, (void *)(long)i);
    if (err != 0) {
      dprintf(2, "waiters: pthread_create #%d of %d: %s\n", i + 1, n, strerror(err));
      return 71;
    }
  }
  struct timespec ms = {0, 1000000};
  while (atomic_load(&started) < n) nanosleep(&ms, NULL);

  size_t cap = 128 + (size_t)n * 12;
  char *line = malloc(cap);
  if (!line) return 71;
  size_t len = (size_t)snprintf(line, cap, "ready main=%d addr=0x%lx fd=%d tids=", (int)gettid(), (unsigned long)addr, fd);
  for (int i = 0; i < n; i++)
    len += (size_t)snprintf(line + len, cap - len, i ? ",%d" : "%d", (int)tids[i]);
  line[len++] = '\n';
  write_all(line, len);
  free(line);

  if (kind == MUTEX && spinning) {
    volatile unsigned long spins = 0;
    for (;;) spins++;
  }
  sleep_forever();
}
