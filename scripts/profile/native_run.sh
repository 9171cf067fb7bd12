#!/usr/bin/env bash
# Usage: native_run.sh NAME STRACE_SECONDS -- bench args...   (STRACE_SECONDS=0: no strace)
# Native server (release binary), pinned like bench.sh; /proc utime/stime sampled over
# the same window strace is attached.
set -uo pipefail
name=$1; st=$2; shift 3
S=${SERVER_BIN:-${PROFILE_DIR:-/tmp/perf}/bin/whisper-server-release}
B=${PROFILE_DIR:-/tmp/perf}/bin/whisper-bench-release
W=${PROFILE_DIR:-/tmp/perf}/db; R=${PROFILE_DIR:-/tmp/perf}/runs/$name; rm -rf $R; mkdir -p $R
port=18182
timeout 300 taskset -c 0 "$S" --database "$W/bench.sqlite3" --log-level warn --threads 1 \
  --commands-per-second 1000000000 --command-burst 1000000000 \
  --listen 127.0.0.1:$port runserver > $R/server.log 2>&1 &
tpid=$!
sleep 0.3; spid=$(pgrep -P $tpid); echo server pid $spid
for i in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
timeout 250 taskset -c 1 "$B" --port $port --cookies $W/cookies.txt --server-pid $spid "$@" \
  --json-out $R/bench.json > $R/bench.log 2>&1 &
bpid=$!
marker=${MARKER:-sending:}
for i in $(seq 1 1000); do grep -q "$marker" $R/bench.log && break; kill -0 $bpid 2>/dev/null || break; sleep 0.1; done
sleep ${SETTLE:-1}
cat /proc/$spid/stat > $R/stat0; cat /proc/$spid/task/*/status | grep ctxt | awk "{s[\$1]+=\$2} END{for(k in s) print k, s[k]}" > $R/ctx0
if [[ $st != 0 ]]; then
  timeout -s INT $st strace -f -qq -p $spid -o $R/strace.log 2>$R/strace.err
else
  sleep ${WINDOW:-3}
fi
cat /proc/$spid/stat > $R/stat1; cat /proc/$spid/task/*/status | grep ctxt | awk "{s[\$1]+=\$2} END{for(k in s) print k, s[k]}" > $R/ctx1
wait $bpid; echo "bench rc $?"
kill $spid; wait $tpid 2>/dev/null
/usr/bin/python3 - $R <<'PY'
import sys,re,collections
R=sys.argv[1]
a=open(R+'/stat0').read().split(')')[-1].split(); b=open(R+'/stat1').read().split(')')[-1].split()
# fields after ')' : state is [0]; utime is field 14 overall -> index 11 here
ut=int(b[11])-int(a[11]); stt=int(b[12])-int(a[12])
print(open(R+"/ctx0").read(), open(R+"/ctx1").read()); print("server utime ticks %d stime ticks %d (1 tick = 10 ms)"%(ut,stt))
import os
if os.path.exists(R+'/strace.log'):
    c=collections.Counter(); frames=0; sends=0
    for line in open(R+'/strace.log'):
        m=re.match(r'\d+\s+([a-z_0-9]+)\(',line)
        if not m:
            continue
        c[m.group(1)]+=1
        if m.group(1)=='sendmsg':
            k=re.search(r'msg_iovlen=(\d+)',line)
            if k: frames+=int(k.group(1))//2
    print("strace frames sent (iovlen/2 summed over sendmsg):",frames)
    for k,v in c.most_common(): print("%-16s %8d  %.3f per frame"%(k,v,v/max(frames,1)))
PY
