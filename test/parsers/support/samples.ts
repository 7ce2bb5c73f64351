/**
 * Real /proc text captured on the development machine (Linux 6.18.44, x86_64), pasted
 * verbatim (tabs and padding included). Used as unit-test input and as seeds for the
 * mutation fuzzing in robustness.test.ts.
 */

export const STAT_CAT =
  '6352 (cat) R 6350 6350 5839 0 -1 4194304 99 0 0 0 0 0 0 0 20 0 1 0 77177 3133440 360 18446744073709551615 94165699088384 94165699108265 140737479487920 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 94165699124272 94165699125888 94166613651456 140737479490271 140737479490291 140737479490291 140737479491563 0\n';

export const STAT_INIT =
  '1 (process_api) S 0 0 0 0 -1 4194560 34498 333496 0 196 68 263 837 538 10 -10 14 0 24 46759936 3494 18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n';

/** A python process after prctl(PR_SET_NAME, "x) R 1 2 (y"): the comm fakes a state and two fields. */
export const STAT_TRICKY_COMM =
  '29312 (x) R 1 2 (y) R 29310 29310 5839 0 -1 4194304 1066 0 0 0 3 0 0 0 20 0 1 0 99999 17383424 2283 18446744073709551615 1 1 0 0 0 0 0 16781312 2 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n';

export const STATUS_CAT = `Name:\tcat
Umask:\t0022
State:\tR (running)
Tgid:\t6354
Ngid:\t0
Pid:\t6354
PPid:\t6350
TracerPid:\t0
Uid:\t0\t0\t0\t0
Gid:\t0\t0\t0\t0
FDSize:\t256
Groups:\t 
NStgid:\t6354
NSpid:\t6354
NSpgid:\t6350
NSsid:\t5839
Kthread:\t0
VmPeak:\t    3060 kB
VmSize:\t    3060 kB
VmLck:\t       0 kB
VmPin:\t       0 kB
VmHWM:\t    1716 kB
VmRSS:\t    1716 kB
RssAnon:\t     116 kB
RssFile:\t    1600 kB
RssShmem:\t       0 kB
VmData:\t     360 kB
VmStk:\t     132 kB
VmExe:\t      20 kB
VmLib:\t    1528 kB
VmPTE:\t      44 kB
VmSwap:\t       0 kB
HugetlbPages:\t       0 kB
CoreDumping:\t0
THP_enabled:\t1
untag_mask:\t0xffffffffffffffff
Threads:\t1
SigQ:\t0/96365
SigPnd:\t0000000000000000
ShdPnd:\t0000000000000000
SigBlk:\t0000000000000000
SigIgn:\t0000000000000000
SigCgt:\t0000000000000000
CapInh:\t0000000000000000
CapPrm:\t000001fffeffffff
CapEff:\t000001fffeffffff
CapBnd:\t000001fffeffffff
CapAmb:\t0000000000000000
NoNewPrivs:\t0
Seccomp:\t0
Seccomp_filters:\t0
Speculation_Store_Bypass:\tvulnerable
SpeculationIndirectBranch:\talways enabled
Cpus_allowed:\t3
Cpus_allowed_list:\t0-1
Mems_allowed:\t00000000,00000001
Mems_allowed_list:\t0
voluntary_ctxt_switches:\t0
nonvoluntary_ctxt_switches:\t0
`;

/** A kernel thread (kworker) on this machine: no Vm* lines at all. */
export const STATUS_KTHREAD = `Name:\tkworker/0:0H-events_highpri
Umask:\t0022
State:\tI (idle)
Tgid:\t10
Ngid:\t0
Pid:\t10
PPid:\t2
TracerPid:\t0
Uid:\t0\t0\t0\t0
Gid:\t0\t0\t0\t0
FDSize:\t64
Groups:\t 
NStgid:\t10
NSpid:\t10
NSpgid:\t0
NSsid:\t0
Kthread:\t1
Threads:\t1
SigQ:\t2/96365
SigPnd:\t0000000000000000
ShdPnd:\t0000000000000000
SigBlk:\t0000000000000000
SigIgn:\tffffffffffffffff
SigCgt:\t0000000000000000
CapInh:\t0000000000000000
CapPrm:\t000001ffffffffff
CapEff:\t000001ffffffffff
CapBnd:\t000001ffffffffff
CapAmb:\t0000000000000000
NoNewPrivs:\t0
Seccomp:\t0
Seccomp_filters:\t0
Speculation_Store_Bypass:\tvulnerable
SpeculationIndirectBranch:\talways enabled
Cpus_allowed:\t1
Cpus_allowed_list:\t0
Mems_allowed:\t00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000001
Mems_allowed_list:\t0
voluntary_ctxt_switches:\t4
nonvoluntary_ctxt_switches:\t0
`;

export const IO_CAT = `rchar: 6976
wchar: 0
syscr: 10
syscw: 0
read_bytes: 0
write_bytes: 0
cancelled_write_bytes: 0
`;

export const LIMITS_CAT = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max file size             unlimited            unlimited            bytes     
Max data size             unlimited            unlimited            bytes     
Max stack size            8388608              unlimited            bytes     
Max core file size        0                    unlimited            bytes     
Max resident set          unlimited            unlimited            bytes     
Max processes             96365                96365                processes 
Max open files            20000                20000                files     
Max locked memory         8388608              8388608              bytes     
Max address space         unlimited            unlimited            bytes     
Max file locks            unlimited            unlimited            locks     
Max pending signals       96365                96365                signals   
Max msgqueue size         819200               819200               bytes     
Max nice priority         0                    0                    
Max realtime priority     0                    0                    
Max realtime timeout      unlimited            unlimited            us        
`;

/** This machine: cgroup v1 controllers plus the v2 line. */
export const CGROUP_HYBRID = `9:name=systemd:/
8:pids:/
7:blkio:/
6:freezer:/
5:devices:/
4:memory:/process_api/2513a494dd0b727bf33ade81d0c9b4bd
3:cpuset:/
2:cpuacct:/
1:cpu:/
0::/
`;

export const PRESSURE_CPU = 'some avg10=5.79 avg60=3.16 avg300=1.15 total=8870840\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n';
export const PRESSURE_IO = 'some avg10=0.18 avg60=2.28 avg300=2.32 total=19975669\nfull avg10=0.18 avg60=2.25 avg300=2.29 total=19746420\n';

export const SCHEDSTAT = '74371 54781 2\n';
export const CHILDREN = '6349 ';

export const SYSCALL_PSELECT = '270 0xfb 0x7ffdb040a360 0x0 0x0 0x7ffdb040a270 0x7ffdb040a280 0x7ffdb040a240 0x7f7635e37aec\n';
export const SYSCALL_ZOMBIE = '-1 0x0 0x0\n';

export const WCHAN_POLL = 'poll_schedule_timeout.constprop.0';

/** `cat /proc/<bash>/stack` while bash sat in pselect6. */
export const STACK_PSELECT = `[<0>] poll_schedule_timeout.constprop.0+0x37/0x90
[<0>] do_select+0x63a/0x930
[<0>] core_sys_select+0x275/0x4a0
[<0>] do_pselect.constprop.0+0xc5/0x180
[<0>] __x64_sys_pselect6+0x46/0xa0
[<0>] do_syscall_64+0x71/0x280
[<0>] entry_SYSCALL_64_after_hwframe+0x76/0x7e
`;

/** fdinfo of fds a small C program made (epoll watching a pipe with EPOLLIN|EPOLLET and an eventfd with EPOLLOUT). */
export const FDINFO_EPOLL =
  'pos:\t0\nflags:\t02\nmnt_id:\t17\nino:\t1038\n' +
  'tfd:        3 events: 80000019 data:                2  pos:0 ino:7104 sdev:f\n' +
  'tfd:        6 events:       1c data:     deadbeefcafe  pos:0 ino:40e sdev:10\n';
export const FDINFO_EVENTFD = 'pos:\t0\nflags:\t02\nmnt_id:\t17\nino:\t1038\neventfd-count:                5\neventfd-id: 1\neventfd-semaphore: 1\n';
export const FDINFO_TIMERFD =
  'pos:\t0\nflags:\t02\nmnt_id:\t17\nino:\t1038\nclockid: 1\nticks: 0\nsettime flags: 00\nit_value: (3599, 999798590)\nit_interval: (5, 0)\n';
export const FDINFO_INOTIFY =
  'pos:\t0\nflags:\t00\nmnt_id:\t17\nino:\t1038\n' +
  'inotify wd:2 ino:13 sdev:fe00000 mask:2 ignored_mask:0 fhandle-bytes:8 fhandle-type:1 f_handle:1300000000000000\n' +
  'inotify wd:1 ino:3f7e8 sdev:fe00000 mask:300 ignored_mask:0 fhandle-bytes:8 fhandle-type:1 f_handle:e8f7030000000000\n';
export const FDINFO_SIGNALFD = 'pos:\t0\nflags:\t02\nmnt_id:\t17\nino:\t1038\nsigmask:\t0000000000000a00\n';
export const FDINFO_PIPE = 'pos:\t0\nflags:\t00\nmnt_id:\t16\nino:\t28932\n';

/** Listeners on 0.0.0.0:2024, 127.0.0.1:45123 and a loopback connection (rows are padded to 149 columns). */
export const NET_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode                                                     
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 151 1 0000000053458d39 100 0 0 10 0                       
   1: 0100007F:B043 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 28895 1 00000000c7393918 100 0 0 10 0                     
   2: 0100007F:9B68 0100007F:B045 01 00000000:00000000 00:00000000 00000000     0        0 28898 2 000000001aa7db97 20 0 0 10 -1                     
`;

/** [::1]:45124 and [::]:45125 listening, and the accepted side of an IPv4 connection to [::]:45125. */
export const NET_TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:B044 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 28896 1 00000000fa6c6b92 100 0 0 10 0
   1: 00000000000000000000000000000000:B045 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 28897 1 000000004ba453ce 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:B045 0000000000000000FFFF00000100007F:9B68 01 00000000:00000000 00:00000000 00000000     0        0 28899 1 000000000736fbc4 20 0 0 10 -1
`;

export const NET_UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            
 2935: 0100007F:B046 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 28900 2 00000000c328e333 0         
`;

export const NET_UDP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
 2936: 00000000000000000000000001000000:B047 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 28901 2 00000000dcef1084 0
`;

export const NET_UNIX = `Num       RefCount Protocol Flags    Type St Inode Path
00000000f76fdf8f: 00000003 00000000 00000000 0001 03   148
0000000032f07caf: 00000002 00000000 00010000 0001 01 28902 /tmp/pt-test.sock
00000000afdae96b: 00000003 00000000 00000000 0001 03   147
`;

/** A kworker's stat: its comm (28 bytes) is the long kthread name, not the 15-byte task comm. */
export const STAT_KWORKER =
  '10 (kworker/0:0H-events_highpri) I 2 0 0 0 -1 69238880 0 0 0 0 0 0 0 0 0 -20 1 0 24 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n';

export const STACK_KWORKER = `[<0>] worker_thread+0x98/0x310
[<0>] kthread+0xf8/0x220
[<0>] ret_from_fork+0x151/0x170
[<0>] ret_from_fork_asm+0x1a/0x30
`;

/** Two CPUs of an x86 /proc/cpuinfo, cut to a few fields each. */
export const CPUINFO_X86 = `processor\t: 0
vendor_id\t: GenuineIntel
cpu family\t: 6
model\t\t: 167
model name\t: Intel(R) Xeon(R)   Processor
flags\t\t: fpu vme de pse tsc msr pae mce
bugs\t\t: spectre_v1 spectre_v2

processor\t: 1
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R)   Processor
flags\t\t: fpu vme de pse tsc msr pae mce

`;

/** aarch64 /proc/cpuinfo: no model name. */
export const CPUINFO_AARCH64 = `processor\t: 0
BogoMIPS\t: 50.00
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32
CPU implementer\t: 0x41
CPU architecture: 8
CPU variant\t: 0x3
CPU part\t: 0xd0c
CPU revision\t: 1

`;

export const MEMINFO = `MemTotal:       24634412 kB
MemFree:         1186512 kB
MemAvailable:   17094636 kB
Buffers:          712888 kB
HugePages_Total:       0
Hugepagesize:       2048 kB
`;

export const OS_RELEASE_DEBIAN = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
`;

/** smaps_rollup of a small C program on 6.18 (Pss_Dirty, Pss_Anon/File/Shmem, KSM). */
export const SMAPS_ROLLUP_618 = `55a3741e7000-7fffeb4a1000 ---p 00000000 00:00 0                          [rollup]
Rss:                1760 kB
Pss:                 200 kB
Pss_Dirty:           108 kB
Pss_Anon:            108 kB
Pss_File:             92 kB
Pss_Shmem:             0 kB
Shared_Clean:       1612 kB
Shared_Dirty:          0 kB
Private_Clean:        40 kB
Private_Dirty:       108 kB
Referenced:         1760 kB
Anonymous:           108 kB
KSM:                   0 kB
LazyFree:              0 kB
AnonHugePages:         0 kB
ShmemPmdMapped:        0 kB
FilePmdMapped:         0 kB
Shared_Hugetlb:        0 kB
Private_Hugetlb:       0 kB
Swap:                  0 kB
SwapPss:               0 kB
Locked:                0 kB
`;

/** smaps_rollup as 4.14–5.2 print it (fs/proc/task_mmu.c show_smaps_rollup): no Pss_Anon/File/Shmem yet. */
export const SMAPS_ROLLUP_414 = `00400000-7ffc1b5ff000 ---p 00000000 00:00 0                          [rollup]
Rss:                3320 kB
Pss:                1016 kB
Shared_Clean:       2304 kB
Shared_Dirty:          0 kB
Private_Clean:       312 kB
Private_Dirty:       704 kB
Referenced:         3320 kB
Anonymous:           704 kB
LazyFree:              0 kB
AnonHugePages:         0 kB
ShmemPmdMapped:        0 kB
Shared_Hugetlb:        0 kB
Private_Hugetlb:       0 kB
Swap:                128 kB
SwapPss:              64 kB
Locked:                0 kB
`;
