/*
 * stuck: one process stuck in two ways, for the exporter's tests.
 *
 *   stuck <name> <n>
 *
 * Names itself <name> (prctl PR_SET_NAME, before any thread starts, so that every thread and
 * the child are called so), takes a mutex, starts <n> workers that block in pthread_mutex_lock
 * on it (a lock queue: futex FUTEX_WAIT_PRIVATE on the mutex word), and one more thread that
 * calls vfork(): its child pauses and never execs, so that thread stays in D state in the
 * kernel (wait_for_vfork_done; wchan kernel_clone where it is inlined) for as long as the child
 * lives. The main thread then sleeps in nanosleep, holding the mutex.
 *
 * Once every thread has started, writes one line on stdout:
 *   ready main=<tid> addr=<hex address of the mutex> vfork=<tid of the vfork thread> tids=<t1>,<t2>,...
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pid_t *tids;
static atomic_int started;
static atomic_int vfork_tid;

static void *worker(void *arg) {
  tids[(long)arg] = gettid();
  atomic_fetch_add(&started, 1);
  pthread_mutex_lock(&mutex);
  pthread_mutex_unlock(&mutex);
  return NULL;
}

static void *vforker(void *arg) {
  (void)arg;
  atomic_store(&vfork_tid, gettid());
  atomic_fetch_add(&started, 1);
  if (vfork() == 0) {
    for (;;) pause();
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: stuck <name> <n>\n");
    return 2;
  }
  int n = atoi(argv[2]);
  if (n < 1) return 2;
  prctl(PR_SET_NAME, argv[1]);
  tids = calloc((size_t)n, sizeof *tids);
  pthread_mutex_lock(&mutex);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_t t;
  for (long i = 0; i < n; i++) pthread_create(&t, &attr, worker, (void *)i);
  pthread_create(&t, &attr, vforker, NULL);
  while (atomic_load(&started) < n + 1) usleep(1000);
  printf("ready main=%d addr=%p vfork=%d tids=", gettid(), (void *)&mutex, atomic_load(&vfork_tid));
  for (int i = 0; i < n; i++) printf("%s%d", i ? "," : "", tids[i]);
  printf("\n");
  fflush(stdout);
  for (;;) sleep(1000);
}
