# Deliveries/s and p99 latency against offered load (scripts/bench.sh, workload `sweep`).
# Variables from the command line: data (columns: offered k/s, delivered k/s, p99 ms,
# p50 ms), out (PNG path), when (date of the run).
set terminal pngcairo size 900,520 font "sans,11"
set output out
set title sprintf("whisper-server, 2000 connections in one room, 4 senders (one core), %s UTC", when)
set xlabel "offered load (thousand deliveries/s)"
set ylabel "delivered (thousand deliveries/s)"
set y2label "latency (ms, log scale)"
set logscale y2
set ytics nomirror
set y2tics
set key left top
set grid
plot data using 1:1 with lines dashtype 2 lc rgb "#999999" title "offered", \
     data using 1:2 with linespoints pt 7 lc rgb "#1f6feb" title "delivered/s", \
     data using 1:3 axes x1y2 with linespoints pt 5 lc rgb "#d73a49" title "p99 latency", \
     data using 1:4 axes x1y2 with linespoints pt 9 lc rgb "#e36209" title "p50 latency"
