#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for `make test-slurm` and for trying the cluster
# path on a laptop: Debian's munge + slurmctld + slurmd (Slurm 22.05 on bookworm), no systemd,
# no cgroups, no accounting database. Idempotent.
#
#   tests/slurm/local_cluster.sh up      install the packages when missing, write the config,
#                                        start munged, slurmctld and slurmd, wait for the node
#   tests/slurm/local_cluster.sh down    cancel every job and stop the daemons
#   tests/slurm/local_cluster.sh status  sinfo + squeue
#
# Needs root (package install, daemons, /etc/slurm). Facts this config encodes:
# - the executor's job-step plugin strips SLURM_CONF before its inner srun, so the config must
#   sit at the default path /etc/slurm/slurm.conf;
# - without slurmdbd, sacct fails: the profile uses `slurm-status-command: squeue`, which needs
#   finished jobs kept in squeue for a while (MinJobAge >= 300 s; 2 h here, so that the test
#   can list every job of its run with squeue --states=all);
# - memory is a consumable (CR_Core_Memory); a job without --mem (dpdispatcher's) gets
#   DefMemPerCPU, so that one job cannot take all of it.
set -euo pipefail

CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
PKGS=(munge slurmctld slurmd slurm-client)
STATE=/var/spool/slurmctld
SPOOL=/var/spool/slurmd
LOGDIR=/var/log/slurm
PARTITION=${SLURM_PARTITION:-debug}

need_root() {
    if [ "$(id -u)" != 0 ]; then
        echo "local_cluster.sh: needs root (packages, daemons, $CONF_DIR)" >&2
        exit 2
    fi
}

install_packages() {
    local missing=()
    command -v munged >/dev/null || missing+=(munge)
    command -v slurmctld >/dev/null || missing+=(slurmctld)
    command -v slurmd >/dev/null || missing+=(slurmd)
    command -v sbatch >/dev/null || missing+=(slurm-client)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y --no-install-recommends "${PKGS[@]}" >/dev/null ||
            { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${PKGS[@]}" >/dev/null; }
    fi
}

write_config() {
    local host cpus mem_mb
    host=$(hostname -s)
    cpus=$(nproc)
    # leave 1 GiB to the OS and the snakemake driver
    mem_mb=$(($(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) - 1024))
    mkdir -p "$CONF_DIR" "$STATE" "$SPOOL" "$LOGDIR"
    cat >"$CONF.new" <<CONF
# written by tests/slurm/local_cluster.sh: one node, this machine
ClusterName=seiflow-local
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$STATE
SlurmdSpoolDir=$SPOOL
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$LOGDIR/slurmctld.log
SlurmdLogFile=$LOGDIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=2000
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=7200
SlurmdTimeout=300
InactiveLimit=0
KillWait=30
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} Sockets=1 CoresPerSocket=${cpus} ThreadsPerCore=1 RealMemory=${mem_mb} State=UNKNOWN
PartitionName=${PARTITION} Nodes=${host} Default=YES MaxTime=INFINITE State=UP
CONF
    if ! cmp -s "$CONF.new" "$CONF"; then
        mv "$CONF.new" "$CONF"
        return 0  # changed
    fi
    rm -f "$CONF.new"
    return 1
}

start_daemons() {
    if ! pgrep -x munged >/dev/null; then
        [ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
        chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
        mkdir -p /run/munge /var/log/munge /var/lib/munge
        chown munge:munge /run/munge /var/log/munge /var/lib/munge
        runuser -u munge -- /usr/sbin/munged
    fi
    pgrep -x slurmctld >/dev/null || slurmctld -c
    pgrep -x slurmd >/dev/null || slurmd
}

wait_idle() {
    local i
    for i in $(seq 1 60); do
        if sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
            return 0
        fi
        # a node left DOWN/DRAIN by an earlier run comes back here
        scontrol update nodename="$(hostname -s)" state=resume >/dev/null 2>&1 || true
        sleep 1
    done
    echo "local_cluster.sh: node not idle after 60 s:" >&2
    sinfo >&2 || true
    tail -20 "$LOGDIR/slurmctld.log" "$LOGDIR/slurmd.log" >&2 || true
    return 1
}

stop_daemons() {
    if command -v scancel >/dev/null && pgrep -x slurmctld >/dev/null; then
        scancel --full --user="$(id -un)" >/dev/null 2>&1 || true
    fi
    pkill -x slurmd || true
    pkill -x slurmctld || true
    local i
    for i in $(seq 1 30); do
        if ! pgrep -x slurmd >/dev/null && ! pgrep -x slurmctld >/dev/null; then
            return 0
        fi
        sleep 1
    done
    pkill -9 -x slurmd || true
    pkill -9 -x slurmctld || true
}

case "${1:-up}" in
up)
    need_root
    install_packages
    if write_config; then
        # a changed config needs restarted daemons (and a clean state: -c)
        stop_daemons
    fi
    start_daemons
    wait_idle
    sinfo
    ;;
down)
    need_root
    stop_daemons
    echo "slurm stopped"
    ;;
status)
    sinfo
    squeue --states=all
    ;;
*)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
