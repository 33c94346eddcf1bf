# shellcheck shell=bash
#
# testing/lib/scenario.sh - run one scenario directory (format: README.md).
# h_scenario_main runs in a subshell of testing/run; it writes the FAIL
# reason to $H_RESULT and the log directory to $H_RESULT.dir, and exits
# 0 (pass) or 1 (fail). Its EXIT trap always runs h_cleanup.

H_FAILS=()

h_fail_now() { # reason : abort the scenario
	printf '%s\n' "$1" > "$H_RESULT"
	exit 1
}

h_trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

# h_split STRING : split on '::' into array F
h_split() {
	local s=$1
	F=()
	while [[ $s == *::* ]]; do
		F+=("${s%%::*}")
		s=${s#*::}
	done
	F+=("$s")
}

# h_log_cmd WHERE HOST CMD RC OUTFILE ERRFILE : append to commands.log
h_log_cmd() {
	{
		printf '=== %s  %s:: %s   (exit %s)\n' "$1" "$2" "$3" "$4"
		if [ -s "$5" ]; then echo '--- stdout'; cat "$5"; fi
		if [ -s "$6" ]; then echo '--- stderr'; cat "$6"; fi
	} >> "$H_RUNDIR/commands.log"
	if [ "$H_VERBOSE" = 1 ]; then
		printf '    [%s] $ %s   (exit %s)\n' "$2" "$3" "$4"
		cat "$5" "$6" 2>/dev/null | head -n 40 | sed 's/^/    | /'
	fi
}

h_check_host() { # host where
	[ -n "${H_NS[$1]:-}" ] || h_fail_now "$2: unknown host '$1' (HOSTS=\"${H_HOSTS[*]}\")"
}

# h_run_action WHERE HOST CMD : one pretest/posttest line
h_run_action() {
	local where=$1 h=$2 cmd=$3 out=$H_RUNDIR/.out err=$H_RUNDIR/.err rc
	case $cmd in
	start-charon)
		h_v "    [$h] start-charon"
		echo "=== $where  $h:: start-charon" >> "$H_RUNDIR/commands.log"
		h_start_charon "$h" || return 1
		return 0 ;;
	stop-charon)
		h_v "    [$h] stop-charon"
		echo "=== $where  $h:: stop-charon" >> "$H_RUNDIR/commands.log"
		h_stop_charon "$h"
		return 0 ;;
	esac
	h_exec "$h" "$(h_subst "$h" "$cmd")" "$out" "$err"
	rc=$?
	h_log_cmd "$where" "$h" "$cmd" "$rc" "$out" "$err"
	if [ $rc -ne 0 ]; then
		H_ERR="exit status $rc: $(h_trim "$(head -c 300 "$err" | tr '\n' ' ')")"
		[ $rc = 124 ] && H_ERR="timed out after ${H_CMD_TIMEOUT}s"
		return 1
	fi
	return 0
}

h_run_actions() { # file
	local file=$1 n=0 line h cmd base
	base=$(basename "$file")
	[ -f "$file" ] || return 0
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		line=$(h_trim "$line")
		case $line in ''|'#'*) continue ;; esac
		[[ $line == *::* ]] || h_fail_now "$base:$n: malformed line (want host::command): $line"
		h=$(h_trim "${line%%::*}")
		cmd=$(h_trim "${line#*::}")
		h_check_host "$h" "$base:$n"
		h_run_action "$base:$n" "$h" "$cmd" < /dev/null ||
			h_fail_now "$base:$n: $line: $H_ERR"
	done < "$file"
}

# h_match FILE REGEX : M_COUNT = matching lines, M_FIRST = first of them,
# M_CAP = its first capture group (or the whole match)
h_match() {
	local l re=$2
	M_COUNT=0 M_FIRST= M_CAP=
	while IFS= read -r l || [ -n "$l" ]; do
		if [[ $l =~ $re ]]; then
			if [ $M_COUNT = 0 ]; then
				M_FIRST=$l
				M_CAP=${BASH_REMATCH[1]-${BASH_REMATCH[0]}}
			fi
			M_COUNT=$((M_COUNT + 1))
		fi
	done < "$1"
}

# h_eval_once HOST CMD REGEX EXPECT LIVE : run/read once; sets H_ERR, M_*
h_eval_once() {
	local h=$1 cmd=$2 re=$3 exp=$4 live=$5 out=$H_RUNDIR/.out err=$H_RUNDIR/.err rc=0
	if [ "$cmd" = tcpdump ]; then
		[ -f "${H_DIR[$h]}/tcpdump.txt" ] || { H_ERR="no tcpdump on $h (add it to TCPDUMPHOSTS)"; return 1; }
		# a plain check stops the capture first so that it is complete;
		# a wait line reads the live (line-buffered, immediate) output
		[ "$live" = 1 ] || h_tcpdump_stop "$h"
		cp "${H_DIR[$h]}/tcpdump.txt" "$out"
		: > "$err"
	else
		h_exec "$h" "$(h_subst "$h" "$cmd")" "$out" "$err"
		rc=$?
	fi
	h_match "$out" "$re"
	H_LAST_RC=$rc
	case $exp in
	YES) [ "$M_COUNT" -ge 1 ] && return 0
	     H_ERR="no line matched" ;;
	NO)  [ "$M_COUNT" -eq 0 ] && return 0
	     H_ERR="matched: $(printf '%s' "$M_FIRST" | head -c 200)" ;;
	*)   [ "$M_COUNT" -eq "$exp" ] && return 0
	     H_ERR="expected $exp matching lines, got $M_COUNT" ;;
	esac
	[ $rc = 124 ] && H_ERR="$H_ERR (command timed out)"
	return 1
}

# h_run_evals FILE : evaltest.dat; records failures in H_FAILS
h_run_evals() {
	local file=$1 n=0 line h i wait cmd re exp var tmo deadline ok base st
	base=$(basename "$file")
	[ -f "$file" ] || return 0
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		line=$(h_trim "$line")
		case $line in ''|'#'*) continue ;; esac
		h_split "$line"
		h=$(h_trim "${F[0]}")
		i=1 wait=0 tmo=$H_EVAL_WAIT
		if [[ $(h_trim "${F[1]:-}") =~ ^wait(=([0-9]+))?$ ]]; then
			wait=1
			[ -n "${BASH_REMATCH[2]}" ] && tmo=${BASH_REMATCH[2]}
			i=2
		fi
		cmd=$(h_trim "${F[i]:-}")
		re=${F[i+1]:-}
		exp=$(h_trim "${F[i+2]:-}")
		var=$(h_trim "${F[i+3]:-}")
		if [ ${#F[@]} -lt $((i + 3)) ] || [ ${#F[@]} -gt $((i + 4)) ] ||
		   ! [[ $exp =~ ^(YES|NO|[0-9]+)$ ]] ||
		   { [ -n "$var" ] && ! [[ $var =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; }; then
			h_fail_now "$base:$n: malformed line (want host::[wait[=S]::]command::regex::YES|NO|count[::VAR]): $line"
		fi
		h_check_host "$h" "$base:$n"
		re=$(h_subst "$h" "$re")
		[[ "" =~ $re ]]
		[ $? = 2 ] && h_fail_now "$base:$n: invalid regular expression: $re"

		deadline=$(( $(h_now_us) + tmo * 1000000 ))
		while :; do
			h_eval_once "$h" "$cmd" "$re" "$exp" "$wait" < /dev/null
			ok=$?
			[ $ok = 0 ] || [ $wait = 0 ] || [ "$(h_now_us)" -ge "$deadline" ] && break
			sleep 0.2
		done
		[ $wait = 1 ] && [ $ok != 0 ] && H_ERR="$H_ERR (waited ${tmo}s)"
		if [ $ok = 0 ]; then st=ok; else st="FAILED: $H_ERR"; fi
		{
			printf '=== %s  %s   (exit %s) => %s\n' "$base:$n" "$line" "$H_LAST_RC" "$st"
			echo "--- output"; cat "$H_RUNDIR/.out"
			if [ -s "$H_RUNDIR/.err" ]; then echo '--- stderr'; cat "$H_RUNDIR/.err"; fi
		} >> "$H_RUNDIR/commands.log"
		if [ "$H_VERBOSE" = 1 ]; then
			printf '    %-6s %s\n' "$([ $ok = 0 ] && echo ok || echo FAIL)" "$line"
			[ $ok = 0 ] || printf '           %s\n' "$H_ERR"
		fi
		if [ $ok = 0 ]; then
			[ -n "$var" ] && H_VARS[$var]=$M_CAP && h_v "           $var=$M_CAP"
		else
			H_FAILS+=("$base:$n: $line: $H_ERR")
		fi
	done < "$file"
}

# a charon that was started and not stopped must still be running
h_check_charons() {
	local h
	for h in "${H_HOSTS[@]}"; do
		if [ -n "${H_CPID[$h]:-}" ] && ! h_alive "${H_CPID[$h]}"; then
			wait "${H_CPID[$h]}" 2>/dev/null
			H_FAILS+=("charon on $h died (status $?, see $h/charon.out)")
			H_CPID[$h]=
		fi
	done
}

h_finish() { # EXIT trap of the scenario subshell
	local rc=$? h
	trap '' INT TERM
	h_cleanup
	if [ "$H_VERBOSE" = 1 ] && [ -n "$H_RUNDIR" ]; then
		for h in "${H_HOSTS[@]}"; do
			[ -f "$H_RUNDIR/$h/charon.log" ] || continue
			echo "    --- $h: tail of charon.log"
			tail -n 15 "$H_RUNDIR/$h/charon.log" | sed 's/^/    | /'
		done
	fi
	if [ $rc != 0 ] && [ ! -s "$H_RESULT" ]; then
		echo "aborted (status $rc)" > "$H_RESULT"
	fi
	exit $rc
}

# h_scenario_main NAME : run testing/scenarios/NAME
h_scenario_main() {
	local name=$1 dir=$H_SCENARIOS/$1 h sock src base
	trap h_finish EXIT
	trap 'h_fail_now interrupted' TERM
	H_RUNDIR=

	[ -n "$name" ] && [ -f "$dir/test.conf" ] || h_fail_now "no such scenario ($dir/test.conf missing)"
	HOSTS= TCPDUMPHOSTS= EVAL_WAIT=10 CMD_TIMEOUT=30 IPV6=no INHERIT=
	# shellcheck disable=SC1091
	. "$dir/test.conf" || h_fail_now "test.conf failed"
	H_EVAL_WAIT=$EVAL_WAIT H_CMD_TIMEOUT=$CMD_TIMEOUT
	[ -n "$HOSTS" ] || h_fail_now "test.conf: HOSTS is empty"

	H_RUNDIR=$H_LOGBASE/$name-$(date +%Y%m%d-%H%M%S)-$$
	mkdir -p "$H_RUNDIR" || h_fail_now "cannot create $H_RUNDIR"
	echo "$H_RUNDIR" > "$H_RESULT.dir"
	: > "$H_RUNDIR/commands.log"

	# the effective scenario: INHERIT's hosts/ and *.dat, overlaid by ours
	src=$H_RUNDIR/scenario
	mkdir -p "$src"
	# INHERIT chains are followed, the farthest base first (at most 5)
	local chain=() base=$dir next=$INHERIT
	while [ -n "$next" ]; do
		base=$(cd "$base/$next" 2>/dev/null && pwd) && [ -f "$base/test.conf" ] ||
			h_fail_now "test.conf: INHERIT=$next is no scenario"
		[ ${#chain[@]} -lt 5 ] || h_fail_now "test.conf: INHERIT chain too long"
		chain=("$base" "${chain[@]}")
		next=$(INHERIT=; . "$base/test.conf" >/dev/null 2>&1; echo "$INHERIT")
	done
	for base in "${chain[@]}"; do
		[ -d "$base/hosts" ] && cp -r "$base/hosts" "$src/"
		cp "$base"/*.dat "$src/" 2>/dev/null
	done
	cp -r "$dir/." "$src/" || h_fail_now "cannot copy $dir"

	[ -x "$H_CHARON" ] || h_fail_now "charon not found at $H_CHARON (build the project or set GDOI_PREFIX)"
	[ -x "$H_SWANCTL" ] || h_fail_now "swanctl not found at $H_SWANCTL"

	H_VARS[PREFIX]=$PREFIX
	H_VARS[TESTING]=$H_TESTING
	H_VARS[SCENARIO]=$dir
	# shellcheck disable=SC2086
	h_setup $HOSTS || h_fail_now "setup: $H_ERR"
	for h in lan "${H_HOSTS[@]}"; do
		H_DIR[$h]=$H_RUNDIR/$h
		H_VARS[HOSTDIR_$h]=$H_RUNDIR/$h
	done
	for h in lan "${H_HOSTS[@]}"; do
		h_prepare_host "$h" "$src" || h_fail_now "setup: preparing $H_RUNDIR/$h failed"
		sock="$H_RUNDIR/$h/charon.vici"
		[ ${#sock} -lt 108 ] || h_fail_now "setup: vici socket path too long (${#sock} chars): $sock; set GDOI_TEST_LOGDIR to a shorter directory"
	done
	for h in $TCPDUMPHOSTS; do
		h_check_host "$h" "test.conf TCPDUMPHOSTS"
		h_tcpdump_start "$h" || h_fail_now "setup: $H_ERR"
	done
	{ ip -n "${H_NS[lan]}" -br link; for h in "${H_HOSTS[@]}"; do
		echo "-- $h"; ip -n "${H_NS[$h]}" -br addr; done; } > "$H_RUNDIR/topology.txt" 2>&1
	h_v "    namespaces: ${H_NS[*]}"

	h_run_actions "$src/pretest.dat"
	h_run_evals "$src/evaltest.dat"
	h_check_charons
	h_run_actions "$src/posttest.dat"
	h_check_charons

	if [ ${#H_FAILS[@]} -gt 0 ]; then
		if [ ${#H_FAILS[@]} -gt 1 ]; then
			h_fail_now "${H_FAILS[0]} (and $(( ${#H_FAILS[@]} - 1 )) more failed checks)"
		fi
		h_fail_now "${H_FAILS[0]}"
	fi
	exit 0
}
