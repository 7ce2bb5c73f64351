"""Python thread scenarios for test/support/scenarios.ts.

    python3 pool.py convoy <n>          n threads blocked in threading.Lock.acquire() on ONE lock
                                        that the thread "holder" holds while it sleeps
    python3 pool.py idle <n>            a ThreadPoolExecutor of n idle workers (queue.get)
    python3 pool.py children <n> <cmd…> n threads, each in subprocess.run(cmd) in a loop
                                        (seed 000: a pool of workers waiting for children)

Once the threads are in place, writes one line on stdout:
    ready main=<tid> holder=<tid or 0> tids=<tid>,<tid>,...
(native thread ids, threading.get_native_id) and the main thread sleeps in time.sleep.
"""

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def sleep_forever():
    while True:
        time.sleep(1_000_000)


def started_threads(n, target):
    """Starts n daemon threads running target(index, tids); returns tids once all have recorded theirs."""
    tids = [0] * n
    recorded = threading.Barrier(n + 1)

    def run(index):
        tids[index] = threading.get_native_id()
        recorded.wait()
        target(index)

    for i in range(n):
        threading.Thread(target=run, args=(i,), name=f"worker-{i}", daemon=True).start()
    recorded.wait()
    return tids


def convoy(n):
    lock = threading.Lock()
    holder = []
    held = threading.Event()

    def hold():
        holder.append(threading.get_native_id())
        with lock:
            held.set()
            sleep_forever()

    threading.Thread(target=hold, name="holder", daemon=True).start()
    held.wait()
    return holder[0], started_threads(n, lambda _i: lock.acquire())


POOLS = []  # an executor that is garbage-collected ends its workers


def idle(n):
    pool = ThreadPoolExecutor(max_workers=n, thread_name_prefix="pool")
    POOLS.append(pool)
    tids = [0] * n
    recorded = threading.Barrier(n + 1)

    def record(index):
        tids[index] = threading.get_native_id()
        recorded.wait()  # holds this worker until all n run a task, so each task gets its own

    for i in range(n):
        pool.submit(record, i)
    recorded.wait()
    return 0, tids


def children(n, cmd):
    def run(_index):
        while True:
            subprocess.run(cmd)

    return 0, started_threads(n, run)


def main():
    mode, n = sys.argv[1], int(sys.argv[2])
    if mode == "convoy":
        holder, tids = convoy(n)
    elif mode == "idle":
        holder, tids = idle(n)
    elif mode == "children":
        holder, tids = children(n, sys.argv[3:])
    else:
        sys.exit(f"pool.py: unknown mode {mode}")
    print(f"ready main={threading.get_native_id()} holder={holder} tids={','.join(map(str, tids))}", flush=True)
    sleep_forever()


main()
