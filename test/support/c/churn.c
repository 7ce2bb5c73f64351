/*
 * churn: a process that creates and ends threads at a steady rate.
 *
 *   churn <threads-per-second> <thread-lifetime-microseconds>
 *
 * The main thread creates one detached thread per tick (paced with an absolute
 * clock_nanosleep, so between ticks it sleeps in hrtimer_nanosleep); each thread
 * sleeps for its lifetime and exits. Writes "ready\n" on stdout after the first
 * thread has been created. If it falls more than 100 ms behind, it skips ahead
 * rather than bursting.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static long lifetime_ns;

static void *short_life(void *arg) {
  (void)arg;
  struct timespec life = {lifetime_ns / 1000000000L, lifetime_ns % 1000000000L};
  nanosleep(&life, NULL);
  return NULL;
}

static long long ns_of(const struct timespec *t) { return t->tv_sec * 1000000000LL + t->tv_nsec; }

int main(int argc, char **argv) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  double rate = argc >= 3 ? atof(argv[1]) : 0;
  lifetime_ns = argc >= 3 ? atol(argv[2]) * 1000L : -1;
  if (rate <= 0 || lifetime_ns < 0) {
    dprintf(2, "usage: churn <threads-per-second> <thread-lifetime-microseconds>\n");
    return 64;
  }
  long long interval = (long long)(1e9 / rate);
  if (interval < 1) interval = 1;

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);

  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long long next = ns_of(&now);
  int announced = 0;
  for (;;) {
    pthread_t thread;
    pthread_create(&thread, &attr, short_life, NULL); /* EAGAIN under load: just skip a tick */
    if (!announced) {
      dprintf(1, "ready\n");
      announced = 1;
    }
    next += interval;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (ns_of(&now) - next > 100000000LL) next = ns_of(&now);
    struct timespec at = {next / 1000000000LL, next % 1000000000LL};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
  }
}
