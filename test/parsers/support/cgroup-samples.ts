/**
 * cgroup files as the kernel prints them. v1: read on this machine (Linux 6.18, controllers
 * on v1): a cgroup with a 10 % CFS quota and a spinner, one with a 32 MiB limit and a
 * thrashing reader, one with blkio throttles and a few direct reads. v2: the formats of
 * kernel/sched/core.c (cpu_period_quota_print, cpu_extra_stat_show), mm/memcontrol.c
 * (memory_stat_format, memory_events_show), block/blk-throttle.c (tg_prfill_limit) and
 * block/blk-cgroup.c (blkcg_print_one_stat), with the examples of
 * Documentation/admin-guide/cgroup-v2.rst.
 */

/** v1 cpu.stat of the throttled spinner (cpu_cfs_stat_show: throttled_time in ns; nr_bursts/burst_time since 5.14). */
export const V1_CPU_STAT = 'nr_periods 18\nnr_throttled 17\nthrottled_time 1343313504\nnr_bursts 0\nburst_time 0\n';

/** v1 memory.stat of the 32 MiB cgroup: own counters, hierarchical_* limits, then total_* over the subtree. */
export const V1_MEMORY_STAT = `cache 16506880
rss 16785408
rss_huge 0
shmem 0
mapped_file 16494592
dirty 4096
writeback 0
workingset_refault_anon 0
workingset_refault_file 2515
swap 0
swapcached 0
pgpgin 18901
pgpgout 10773
pgfault 18899
pgmajfault 14800
inactive_anon 16785408
active_anon 0
inactive_file 16470016
active_file 12288
unevictable 0
hierarchical_memory_limit 33554432
hierarchical_memsw_limit 9223372036854771712
total_cache 16506880
total_rss 16785408
total_rss_huge 0
total_shmem 0
total_mapped_file 16494592
total_dirty 4096
total_writeback 0
total_workingset_refault_anon 0
total_workingset_refault_file 2515
total_swap 0
total_swapcached 0
total_pgpgin 18901
total_pgpgout 10773
total_pgfault 18899
total_pgmajfault 14800
total_inactive_anon 16785408
total_active_anon 0
total_inactive_file 16470016
total_active_file 12288
total_unevictable 0
`;

/** v1 memory.stat of an older kernel, whose memcg1_stats list no workingset counters (cache, rss, …, swap; then the events). */
export const V1_MEMORY_STAT_OLD = 'cache 16506880\nrss 16785408\nrss_huge 0\nshmem 0\nmapped_file 16494592\ndirty 4096\nwriteback 0\nswap 0\npgpgin 18901\npgpgout 10773\npgfault 18899\npgmajfault 14800\ninactive_anon 16785408\nactive_anon 0\ninactive_file 16470016\nactive_file 12288\nunevictable 0\nhierarchical_memory_limit 33554432\nhierarchical_memsw_limit 9223372036854771712\ntotal_cache 16506880\ntotal_rss 16785408\ntotal_pgmajfault 14800\n';

/** v1 "no limit": PAGE_COUNTER_MAX pages of 4 KiB. */
export const V1_UNLIMITED = '9223372036854771712\n';

export const V1_BLKIO_READ_BPS = '254:0 1048576\n';
export const V1_BLKIO_WRITE_IOPS = '254:0 120\n';
export const V1_BLKIO_SERVICE_BYTES = '254:0 Read 524288\n254:0 Write 16384\n254:0 Sync 540672\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 540672\nTotal 540672\n';

/** v2 cpu.stat with the cpu controller (usage from kernel/cgroup/rstat.c, then cpu_extra_stat_show). */
export const V2_CPU_STAT = 'usage_usec 1343313\nuser_usec 1343000\nsystem_usec 313\nnr_periods 18\nnr_throttled 17\nthrottled_usec 1343313\nnr_bursts 0\nburst_usec 0\n';
/** v2 cpu.stat of a cgroup without the cpu controller (and of the root): usage only. */
export const V2_CPU_STAT_NO_CONTROLLER = 'usage_usec 1488765782\nuser_usec 1054481712\nsystem_usec 434284069\n';

/** v2 memory.stat as memory_stat_format prints it on 6.x (excerpt in kernel order). */
export const V2_MEMORY_STAT =
  'anon 16785408\nfile 16506880\nkernel 1200128\nkernel_stack 16384\npagetables 81920\npercpu 0\nsock 0\nshmem 0\nfile_mapped 16494592\nfile_dirty 4096\n' +
  'file_writeback 0\nswapcached 0\nanon_thp 0\ninactive_anon 16785408\nactive_anon 0\ninactive_file 16470016\nactive_file 12288\nunevictable 0\n' +
  'slab_reclaimable 301056\nslab_unreclaimable 262144\nslab 563200\nworkingset_refault_anon 3\nworkingset_refault_file 2515\nworkingset_activate_anon 0\n' +
  'workingset_activate_file 0\nworkingset_restore_anon 0\nworkingset_restore_file 0\nworkingset_nodereclaim 0\npgscan 2515\npgsteal 2515\n' +
  'pgfault 18899\npgmajfault 14800\npgrefill 0\npgactivate 0\npgdeactivate 0\npglazyfree 0\npglazyfreed 0\nthp_fault_alloc 0\nthp_collapse_alloc 0\n';
/** v2 memory.stat before 5.9: one workingset_refault line (mm/memcontrol.c, "workingset_refault"). */
export const V2_MEMORY_STAT_5_4 = 'anon 16785408\nfile 16506880\nworkingset_refault 2515\nworkingset_activate 0\nworkingset_nodereclaim 0\npgfault 18899\npgmajfault 14800\n';

export const V2_MEMORY_EVENTS = 'low 0\nhigh 0\nmax 10965\noom 0\noom_kill 0\noom_group_kill 0\n';

/** v2 io.max (tg_prfill_limit): "max" where a kind is unset. */
export const V2_IO_MAX = '8:16 rbps=2097152 wbps=max riops=max wiops=120\n254:0 rbps=max wbps=1048576 riops=max wiops=max\n';
/** v2 io.stat (blkcg_print_one_stat), with an io.cost policy's extra keys on one device. */
export const V2_IO_STAT = '8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0\n254:0 rbytes=90430464 wbytes=299008000 rios=8950 wios=1252 dbytes=50331648 dios=3021 cost.vrate=100.00 cost.usage=3005 cost.wait=0 cost.indebt=0 cost.indelay=0\n';

export const PARTITIONS = 'major minor  #blocks  name\n\n 254        0  268435456 vda\n   8       16  104857600 sdb\n   8       17  104856576 sdb1\n';

/** /proc/PID/cgroup here: every controller on its own v1 hierarchy, memory in a sandbox cgroup, the v2 line at the root. */
export const CGROUP_THIS_MACHINE = '9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n4:memory:/process_api/x\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/\n';
