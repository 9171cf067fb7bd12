#!/usr/bin/env python3
# callgrind out file -> call counts per function (sum of calls= to it) and exclusive/inclusive Ir
import sys,re,collections
path=sys.argv[1]; pats=sys.argv[2:]
names={}; fn=None; cfn=None
calls=collections.Counter(); excl=collections.Counter(); incl_in=collections.Counter()
pending_call=False
def resolve(s):
    m=re.match(r'\((\d+)\)(?: (.*))?',s)
    if m:
        if m.group(2) is not None: names[m.group(1)]=m.group(2)
        return names.get(m.group(1),'?')
    return s
cfn_names={}
for line in open(path,errors='replace'):
    line=line.rstrip('\n')
    if line.startswith('fn='): fn=resolve(line[3:]); continue
    if line.startswith('cfn='): cfn=resolve(line[4:]); continue
    if line.startswith('calls='):
        calls[cfn]+=int(line[6:].split()[0]); pending_call=True; continue
    if line and (line[0].isdigit() or line[0] in '+-*'):
        parts=line.split()
        ir=int(parts[1]) if len(parts)>1 and parts[1].lstrip('-').isdigit() else 0
        if pending_call:
            if fn!=cfn: incl_in[(fn,cfn)]+=ir
            pending_call=False
        else:
            excl[fn]+=ir
incl=collections.Counter()
for (f,c),v in incl_in.items(): incl[f]+=v
for f in excl: incl[f]+=excl[f]
tot=sum(excl.values())
if pats and pats[0]=='--top':
    n=int(pats[1])
    print("total Ir",tot)
    print("== exclusive"); 
    for f,v in excl.most_common(n): print("%6.2f%% %12d  calls=%-9d %s"%(100*v/tot,v,calls[f],f[:150]))
    sys.exit()
for p in pats:
    for f in sorted(calls):
        if re.search(p,f): print("%-12d calls  excl %-12d incl %-12d %s"%(calls[f],excl[f],incl[f],f[:160]))
