# shellcheck shell=bash
#
# testing/lib/harness.sh - network-namespace harness for the GDOI / G-IKEv2
# charon plugins (sourced by testing/run; bash only, needs root).
#
# Topology of one scenario (everything exists only inside namespaces that
# this harness creates; nothing is configured in the caller's namespace):
#
#   ns gdoi-<pid>-<hostA>             ns gdoi-<pid>-<hostB>          ...
#   +-----------------------+        +-----------------------+
#   | lo   198.51.100.A/32  |        | lo   198.51.100.B/32  |   inner, "protected"
#   | eth0 192.0.2.A/24     |        | eth0 192.0.2.B/24     |   outer, LAN
#   | charon (+ ipsec0 TUN) |        | charon (+ ipsec0 TUN) |
#   +----------|------------+        +----------|------------+
#              | veth                           | veth
#   +----- p-<hostA> ----------- br0 ------- p-<hostB> ------+
#   |  ns gdoi-<pid>-lan  (bridge; tcpdump -i br0 runs here)  |
#   +---------------------------------------------------------+
#
# Host number N (A, B above): HOSTNUM_<host> from test.conf, else
#   ks|ks1|moon -> 1, ks2|sun -> 2, ks3 -> 3, gm<K> -> 10+K (K=1..89),
#   anything else -> 100 + its position in HOSTS.
#
# Per charon: private directory $H_RUNDIR/<host> (@HOSTDIR@) holding
# strongswan.conf (STRONGSWAN_CONF), swanctl/ (SWANCTL_DIR), charon.vici,
# charon.log, charon.out (stderr) and run/, which is bind-mounted over the
# compiled-in piddir $PREFIX/run inside the private mount namespace that
# `ip netns exec` gives every command (so each charon has its own charon.pid).

H_TESTING=${H_TESTING:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
H_REPO=$(cd "$H_TESTING/.." && pwd)
PREFIX=${GDOI_PREFIX:-$H_REPO/build/prefix}
H_CHARON=$PREFIX/libexec/ipsec/charon
H_SWANCTL=$PREFIX/sbin/swanctl
H_LOGBASE=${GDOI_TEST_LOGDIR:-$H_REPO/build/testing-logs}
H_SCENARIOS=${GDOI_TEST_SCENARIOS:-$H_TESTING/scenarios}
H_NSP="gdoi-$$"          # namespace name prefix; $$ is the testing/run PID
H_VERBOSE=${H_VERBOSE:-0}
H_CHARON_START_TIMEOUT=10
H_STOP_TIMEOUT=5
H_OUTER_NET=192.0.2
H_INNER_NET=198.51.100

declare -A H_NS=() H_DIR=() H_NUM=() H_CPID=() H_TPID=() H_VARS=()
H_HOSTS=()               # hosts of the current scenario (without "lan")
H_CUR=                   # PID of the command currently in the foreground
H_STATE=${H_STATE:-}     # directory shared with testing/run (PID registry)

# ---------------------------------------------------------------- helpers

h_say() { printf '%s\n' "$*"; }
h_v() { [ "$H_VERBOSE" = 1 ] && printf '%s\n' "$*"; return 0; }

# microseconds since the epoch (EPOCHREALTIME, LC_ALL=C => '.')
h_now_us() { local t=$EPOCHREALTIME; echo $(( ${t%.*} * 1000000 + 10#${t#*.} )); }

# h_poll TIMEOUT_S CMD... : run CMD every 0.1 s until it succeeds (0) or
# TIMEOUT_S (integer seconds) has passed (1).
h_poll() {
	local deadline=$(( $(h_now_us) + $1 * 1000000 ))
	shift
	while :; do
		"$@" && return 0
		[ "$(h_now_us)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

# h_alive PID : true if PID exists and is not a zombie
h_alive() {
	local s
	[ -n "$1" ] || return 1
	read -r s 2>/dev/null < "/proc/$1/stat" || return 1
	s=${s##*) }
	[ "${s%% *}" != Z ]
}

# remember PIDs so testing/run can kill leftovers even if we die hard
h_register() { [ -n "$H_STATE" ] && echo "$1" >> "$H_STATE/pids"; return 0; }

# h_kill_wait SIGNAL PID... : signal all, wait up to H_STOP_TIMEOUT, then
# SIGKILL the rest, reap them
h_kill_wait() {
	local sig=$1 p
	shift
	for p in "$@"; do h_alive "$p" && kill -"$sig" "$p" 2>/dev/null; done
	h_poll "$H_STOP_TIMEOUT" h_none_alive "$@" ||
		for p in "$@"; do h_alive "$p" && kill -KILL "$p" 2>/dev/null; done
	for p in "$@"; do wait "$p" 2>/dev/null; done
	return 0
}
h_none_alive() { local p; for p in "$@"; do h_alive "$p" && return 1; done; return 0; }

h_hostnum() { # host position
	local h=$1 pos=$2 v="HOSTNUM_$1"
	if [ -n "${!v:-}" ]; then echo "${!v}"; return; fi
	case $h in
	ks|ks1|moon) echo 1 ;;
	ks2|sun) echo 2 ;;
	ks3) echo 3 ;;
	gm[1-9]|gm[1-8][0-9]) echo $(( 10 + ${h#gm} )) ;;
	*) echo $(( 100 + pos )) ;;
	esac
}

# ------------------------------------------------------------ placeholders

# h_subst HOST STRING : replace @NAME@ placeholders.
#   @PREFIX@ @TESTING@ @SCENARIO@ @HOST@ @HOSTDIR@ (of HOST)
#   @IP_<h>@ @INNER_<h>@ @HOSTDIR_<h>@ for every host <h>
#   @<VAR>@ for every value captured by an evaltest line
h_subst() {
	local h=$1 s=$2 k
	case $s in *@*@*) ;; *) printf '%s' "$s"; return ;; esac
	s=${s//@HOSTDIR@/${H_DIR[$h]}}
	s=${s//@HOST@/$h}
	for k in "${!H_VARS[@]}"; do
		s=${s//@$k@/${H_VARS[$k]}}
	done
	printf '%s' "$s"
}

h_subst_file() { # host src dst ("-" = stdout)
	local c
	if [ "$3" != - ]; then h_subst_file "$1" "$2" - > "$3"; return; fi
	if grep -Iq . "$2" 2>/dev/null || [ ! -s "$2" ]; then
		c=$(cat "$2"; echo x)
		h_subst "$1" "${c%x}"
	else
		cat "$2"   # binary (DER, PKCS#12): copy as is
	fi
}

# --------------------------------------------------------------- topology

h_nsx() { local h=$1; shift; ip netns exec "${H_NS[$h]}" "$@"; }

h_link_ready() { # host
	ip -n "${H_NS[$1]}" -o link show eth0 2>/dev/null | grep -q 'state UP' &&
	bridge -n "${H_NS[lan]}" link show dev "p-$1" 2>/dev/null | grep -q 'state forwarding'
}

# h_setup HOST... : create the LAN namespace with br0 and one namespace per
# host, addresses as described at the top. Returns 1 with H_ERR set on error.
h_setup() {
	local h pos=0 n ns lan="$H_NSP-lan" v6=1 err
	[ "${IPV6:-no}" = yes ] && v6=0
	H_HOSTS=("$@")
	declare -A seen=()
	for h in "$@"; do
		pos=$((pos + 1))
		if ! [[ $h =~ ^[a-z][a-z0-9]{0,12}$ ]] || [ "$h" = lan ]; then
			H_ERR="bad host name '$h' (want [a-z][a-z0-9]{0,12}, not 'lan')"; return 1
		fi
		n=$(h_hostnum "$h" "$pos")
		if ! [[ $n =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ] || [ "$n" -gt 254 ]; then
			H_ERR="host number '$n' of $h out of range 1..254"; return 1
		fi
		if [ -n "${seen[$n]:-}" ]; then
			H_ERR="hosts ${seen[$n]} and $h both map to number $n (set HOSTNUM_$h)"; return 1
		fi
		seen[$n]=$h
		H_NUM[$h]=$n
		H_VARS[IP_$h]=$H_OUTER_NET.$n
		H_VARS[INNER_$h]=$H_INNER_NET.$n
	done

	err=$(
		set -e
		exec 2>&1
		ip netns add "$lan"
		ip netns exec "$lan" sysctl -qw net.ipv6.conf.all.disable_ipv6=$v6 \
			net.ipv6.conf.default.disable_ipv6=$v6
		ip -n "$lan" link set lo up
		ip -n "$lan" link add br0 type bridge stp_state 0 forward_delay 0
		ip -n "$lan" link set br0 up
	) || { H_NS[lan]=$lan; H_ERR="LAN setup failed: $err"; return 1; }
	H_NS[lan]=$lan

	for h in "$@"; do
		ns="$H_NSP-$h"
		n=${H_NUM[$h]}
		err=$(
			set -e
			exec 2>&1
			ip netns add "$ns"
			ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=$v6 \
				net.ipv6.conf.default.disable_ipv6=$v6
			ip -n "$ns" link set lo up
			ip -n "$lan" link add "p-$h" type veth peer name eth0 netns "$ns"
			ip -n "$lan" link set "p-$h" master br0
			ip -n "$lan" link set "p-$h" up
			ip -n "$ns" addr add "$H_OUTER_NET.$n/24" dev eth0
			ip -n "$ns" link set eth0 up
			ip -n "$ns" addr add "$H_INNER_NET.$n/32" dev lo
		) || { H_NS[$h]=$ns; H_ERR="setup of $h failed: $err"; return 1; }
		H_NS[$h]=$ns
	done
	for h in "$@"; do
		h_poll 5 h_link_ready "$h" || { H_ERR="eth0 of $h did not come up"; return 1; }
	done
	return 0
}

# h_prepare_host HOST SCENARIODIR : private directory with substituted
# configs; strongswan.conf = lib/strongswan.conf.base + the scenario's file
h_prepare_host() {
	local h=$1 src=$2/hosts/$1 d=$H_RUNDIR/$1 f rel sub
	mkdir -p "$d/run" "$d/bin" || return 1
	for sub in x509 x509ca x509ocsp x509aa x509ac x509crl pubkey private rsa ecdsa \
		bliss pkcs8 pkcs12; do
		mkdir -p "$d/swanctl/$sub"
	done
	if [ -d "$src" ]; then
		while IFS= read -r -d '' f; do
			rel=${f#"$src"/}
			mkdir -p "$(dirname "$d/$rel")"
			[ "$rel" = strongswan.conf ] && continue
			h_subst_file "$h" "$f" "$d/$rel"
		done < <(find "$src" -type f -print0)
	fi
	{
		echo "# generated by testing/lib/harness.sh for host $h"
		h_subst_file "$h" "$H_TESTING/lib/strongswan.conf.base" -
		if [ -f "$src/strongswan.conf" ]; then
			echo
			echo "# ---- scenario: hosts/$h/strongswan.conf"
			h_subst_file "$h" "$src/strongswan.conf" -
		fi
	} > "$d/strongswan.conf"
	cat > "$d/bin/swanctl" <<-EOF
	#!/bin/sh
	# generated: swanctl bound to the charon of host $h
	case "\${1:-}" in ""|-h|--help|-V|--version) exec "$H_SWANCTL" "\$@" ;; esac
	exec "$H_SWANCTL" "\$@" --uri "unix://$d/charon.vici"
	EOF
	chmod +x "$d/bin/swanctl"
}

# --------------------------------------------------------------- commands

# h_exec HOST CMDSTRING OUT ERR [TIMEOUT] : run a shell command line in the
# host's namespace (cwd = host dir, swanctl bound to its charon); returns
# the command's exit status (124 on timeout)
h_exec() {
	local h=$1 d=${H_DIR[$1]} rc
	(
		cd "$d" || exit 1
		exec ip netns exec "${H_NS[$h]}" env STRONGSWAN_CONF="$d/strongswan.conf" \
			SWANCTL_DIR="$d/swanctl" HOSTDIR="$d" PREFIX="$PREFIX" \
			PATH="$d/bin:$PREFIX/sbin:$PREFIX/bin:$PATH" \
			timeout -k 2 "${5:-$H_CMD_TIMEOUT}" sh -c "$2"
	) > "$3" 2> "$4" < /dev/null &
	H_CUR=$!
	h_register "$H_CUR"
	wait "$H_CUR"
	rc=$?
	H_CUR=
	return $rc
}

# swan HOST ARGS... : swanctl against the host's charon
swan() {
	local h=$1 d=${H_DIR[$1]}
	shift
	ip netns exec "${H_NS[$h]}" env STRONGSWAN_CONF="$d/strongswan.conf" \
		SWANCTL_DIR="$d/swanctl" "$H_SWANCTL" "$@" --uri "unix://$d/charon.vici"
}

# ----------------------------------------------------------------- charon

h_charon_ready() { # host: socket there and answering, or charon gone
	h_alive "${H_CPID[$1]}" || return 0
	[ -S "${H_DIR[$1]}/charon.vici" ] && swan "$1" --stats > /dev/null 2>&1
}

# h_start_charon HOST : returns 1 with H_ERR set if it did not come up
h_start_charon() {
	local h=$1 d=${H_DIR[$1]} pid
	if h_alive "${H_CPID[$h]:-}"; then H_ERR="charon on $h already running"; return 1; fi
	[ -x "$H_CHARON" ] || { H_ERR="charon not found at $H_CHARON (set GDOI_PREFIX)"; return 1; }
	rm -f "$d/charon.vici" "$d/run/charon.pid"
	mkdir -p "$d/run"
	STRONGSWAN_CONF="$d/strongswan.conf" ip netns exec "${H_NS[$h]}" \
		sh -c 'mount --bind "$1" "$2" && exec "$3"' charon-start \
		"$d/run" "$PREFIX/run" "$H_CHARON" >> "$d/charon.out" 2>&1 < /dev/null &
	pid=$!
	H_CPID[$h]=$pid
	h_register "$pid"
	h_poll "$H_CHARON_START_TIMEOUT" h_charon_ready "$h"
	if ! h_alive "$pid"; then
		wait "$pid" 2>/dev/null
		H_ERR="charon on $h exited during startup (status $?): $(tail -n 2 "$d/charon.out" | tr '\n' ' ')"
		H_CPID[$h]=
		return 1
	fi
	if ! swan "$h" --stats > /dev/null 2>&1; then
		H_ERR="charon on $h: vici socket $d/charon.vici not answering after ${H_CHARON_START_TIMEOUT}s"
		return 1
	fi
	# charon writes its PID file into the compiled-in piddir; if that is not
	# $PREFIX/run (GDOI_PREFIX names another build), instances would collide
	if [ "$(cat "$d/run/charon.pid" 2>/dev/null)" != "$pid" ]; then
		H_ERR="charon on $h did not write its PID to $PREFIX/run/charon.pid (piddir compiled for another prefix than GDOI_PREFIX=$PREFIX?)"
		return 1
	fi
	return 0
}

h_stop_charon() { # host...
	local h pids=()
	for h in "$@"; do
		[ -n "${H_CPID[$h]:-}" ] && pids+=("${H_CPID[$h]}")
		H_CPID[$h]=
	done
	[ ${#pids[@]} -gt 0 ] && h_kill_wait TERM "${pids[@]}"
	return 0
}

# ---------------------------------------------------------------- tcpdump

h_tcpdump_listening() { # host
	grep -q 'listening on' "${H_DIR[$1]}/tcpdump.err" 2>/dev/null || ! h_alive "${H_TPID[$1]}"
}

h_tcpdump_start() { # host ("lan" captures on br0, others on eth0)
	local h=$1 d=${H_DIR[$1]} ifc=eth0
	[ "$h" = lan ] && ifc=br0
	ip netns exec "${H_NS[$h]}" tcpdump -l -nn --immediate-mode -i "$ifc" \
		> "$d/tcpdump.txt" 2> "$d/tcpdump.err" < /dev/null &
	H_TPID[$h]=$!
	h_register "$!"
	h_poll 5 h_tcpdump_listening "$h"
	if ! h_alive "${H_TPID[$h]}"; then
		H_ERR="tcpdump on $h failed: $(tail -n 1 "$d/tcpdump.err")"
		return 1
	fi
	return 0
}

h_tcpdump_stop() { # host...
	local h pids=()
	for h in "$@"; do
		[ -n "${H_TPID[$h]:-}" ] && pids+=("${H_TPID[$h]}")
		H_TPID[$h]=
	done
	[ ${#pids[@]} -gt 0 ] && h_kill_wait INT "${pids[@]}"
	return 0
}

# ---------------------------------------------------------------- cleanup

# h_cleanup : stop everything this scenario started, delete its namespaces.
# Safe to call more than once; not interruptible.
h_cleanup() {
	local h ns
	trap '' INT TERM
	if [ -n "$H_CUR" ]; then h_kill_wait TERM "$H_CUR"; H_CUR=; fi
	h_tcpdump_stop "${!H_TPID[@]}"
	h_stop_charon "${!H_CPID[@]}"
	for ns in "${H_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	H_NS=()
	return 0
}
