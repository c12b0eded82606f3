# Writes kernel_alerts_test.yaml next to it (40 JVMs are too many to type): python3 kernel_alerts_test.py
A="aaaaaaaa-0000-4000-8000-000000000001"; B="bbbbbbbb-0000-4000-8000-000000000002"
C="cccccccc-0000-4000-8000-000000000003"; G="99999999-0000-4000-8000-0000000000g1".replace("g","a")
REL="6.1.0-18-amd64"
RB="https://github.com/vdso-agent/vdso-agent/blob/main/README.md#runbook-"
out=[]
w=out.append
def series(name, labels, values):
    lab=",".join(f'{k}="{v}"' for k,v in labels.items())
    w(f"      - series: '{name}{{{lab}}}'")
    w(f"        values: '{values}'")
def target(inst, job, ns=None, pod=None, node=None):
    d={"instance":inst,"job":job}
    if ns: d["namespace"]=ns
    if pod: d["pod"]=pod
    if node: d["node"]=node
    return d
def kernel(t, boot, runtime="linux", n=30):
    series("vdso_kernel_info", {"arch":"x86_64","boot_id":boot,"kernel_release":REL,"runtime":runtime,**t}, f"1x{n}")
def jvm(t, boot, fb, runtime="linux", clocks=("monotonic","realtime"), n=30, mode="jvm"):
    kernel(t, boot, runtime, n)
    for c in clocks:
        series("vdso_clock_fallback", {"clock":c,"detector":"seccomp",**t}, fb)
    series("vdso_agent_mode_info", {"host_detail":"summary" if mode=="jvm" else "full","mode":mode,**t}, f"1x{n}")
def where(boot,node,runtime="linux",rel=REL):
    s=f"on kernel {boot}"
    if node: s+=f" of node {node}"
    if runtime: s+=f" (runtime {runtime}" + (f", {rel}" if rel else "") + ")"
    return s
def who(total,jvms,eg):
    return f"{total} vdso-agent process(es) report it, {jvms} of them JVMs, e.g. {', '.join(eg)}."
def fb_alert(boot,node,total,jvms,eg,clocks="monotonic, realtime",runtime="linux",rel=REL):
    labels={"severity":"warning","boot_id":boot}
    if node: labels["node"]=node
    if runtime: labels["runtime"]=runtime
    if rel: labels["kernel_release"]=rel
    return labels,{
      "summary": f"clock_gettime falls back to a syscall on kernel {boot}"+(f" (node {node})" if node else ""),
      "description": f"clock_gettime({clocks}) leaves the vDSO and enters the kernel {where(boot,node,runtime,rel)}. {who(total,jvms,eg)} Each clock read now costs a syscall: about 10x slower, and CPU time in the kernel. Usual cause: the node's clocksource (hpet, acpi_pm, xen without pvclock, tsc marked unstable).",
      "runbook_url": RB+"vdsoclocksyscallfallback"}
def check(t, name, alerts):
    w(f"      - eval_time: {t}")
    w(f"        alertname: {name}")
    if not alerts:
        w("        exp_alerts: []"); return
    w("        exp_alerts:")
    for labels,ann in alerts:
        w("          - exp_labels:")
        for k,v in labels.items(): w(f"              {k}: {v}")
        w("            exp_annotations:")
        for k,v in ann.items(): w(f'              {k}: "{v}"')
def test(name):
    w(f"  - name: {name}"); w("    interval: 1m"); w("    input_series:")
def checks(): w("    alert_rule_test:")

w("# promtool unit tests of the host-wide alerts, which fire once per KERNEL (boot id, plus node where the")
w("# PodMonitor attaches it): helm/vdso-agent/files/alerts.yaml joins the verdicts with vdso_kernel_info.")
w("# Written by a small script (40 JVMs are too many to type); the expected annotations are spelled out.")
w("# Run from the repository root: promtool test rules helm/src/test/promtool/kernel_alerts_test.yaml")
w("rule_files:"); w("  - ../../../vdso-agent/files/alerts.yaml"); w(""); w("evaluation_interval: 1m"); w(""); w("tests:")

# T1
test("40 JVMs on one kernel whose clocks fall back, and that node's own exporter, fire exactly one alert; a healthy node's JVMs none")
for i in range(1,41):
    jvm(target(f"10.0.1.{i}:9419","shop/demo-vdso-agent","shop",f"api-{i}","node-a"), A, "1x30")
jvm(target("10.0.9.1:9419","monitoring/vdso-agent-node","monitoring","vdso-agent-node-a1b2c","node-a"), A, "1x30", mode="node")
for i in range(1,11):
    jvm(target(f"10.0.2.{i}:9419","shop/demo-vdso-agent","shop",f"web-{i}","node-b"), B, "0x30",
        clocks=("monotonic","realtime"))
    series("vdso_clock_fallback", {"clock":"process_cputime","detector":"seccomp",**target(f"10.0.2.{i}:9419","shop/demo-vdso-agent","shop",f"web-{i}","node-b")}, "1x30")
checks()
check("4m","VdsoClockSyscallFallback",[])
# instances sort as strings: "10.0.1.10:9419" < "10.0.1.1:9419"
check("6m","VdsoClockSyscallFallback",[fb_alert(A,"node-a",41,40,["shop/api-10","shop/api-11","shop/api-12"])])

# T2
test("two kernels whose clocks fall back fire two alerts, each with its own JVMs")
for i in range(1,4):
    jvm(target(f"10.0.1.{i}:9419","shop/demo-vdso-agent","shop",f"api-{i}","node-a"), A, "1x10")
for i in range(1,3):
    jvm(target(f"10.0.3.{i}:9419","billing/ledger-vdso-agent","billing",f"ledger-{i}","node-c"), C, "1x10", clocks=("monotonic",))
jvm(target("10.0.2.1:9419","shop/demo-vdso-agent","shop","web-1","node-b"), B, "0x10")
checks()
check("6m","VdsoClockSyscallFallback",[
    fb_alert(A,"node-a",3,3,["shop/api-1","shop/api-2","shop/api-3"]),
    fb_alert(C,"node-c",2,2,["billing/ledger-1","billing/ledger-2"],clocks="monotonic")])

# T3
test("sandboxed pods (their own kernel) whose clocks fall back on a healthy node fire their own alerts; the node does not")
for i in range(1,6):
    jvm(target(f"10.0.2.{i}:9419","shop/demo-vdso-agent","shop",f"web-{i}","node-b"), B, "0x10")
# a sandbox kernel with a boot id of its own
jvm(target("10.0.2.9:9419","sandbox/untrusted-vdso-agent","sandbox","untrusted-0","node-b"), G, "1x10", runtime="gvisor")
# real gVisor has no /proc/sys: boot_id "unknown", runtime and release (uname) known -> a kernel of its own
t=target("10.0.2.8:9419","sandbox/untrusted-vdso-agent","sandbox","untrusted-1","node-b")
series("vdso_kernel_info", {"arch":"x86_64","boot_id":"unknown","kernel_release":"4.4.0","runtime":"gvisor",**t}, "1x10")
series("vdso_agent_build_info", {"jdk":"17.0.15","revision":"abc","version":"0.2.0",**t}, "1x10")
series("vdso_clock_fallback", {"clock":"monotonic","detector":"seccomp",**t}, "1x10")
checks()
check("6m","VdsoClockSyscallFallback",[
    fb_alert(G,"node-b",1,1,["sandbox/untrusted-0"],runtime="gvisor"),
    fb_alert("unknown@10.0.2.8:9419","node-b",1,1,["sandbox/untrusted-1"],clocks="monotonic",runtime="gvisor",rel="4.4.0")])

# T4
test("processes without a known boot id (unreadable, or an agent too old for vdso_kernel_info) each fire on their own, outside Kubernetes too")
for inst in ["db1:9419","db2:9419"]:
    t=target(inst,"vdso-agent")
    series("vdso_kernel_info", {"arch":"x86_64","boot_id":"unknown","kernel_release":REL,"runtime":"linux",**t}, "1x10")
    series("vdso_agent_build_info", {"jdk":"17.0.15","revision":"abc","version":"0.2.0",**t}, "1x10")
    series("vdso_clock_fallback", {"clock":"realtime","detector":"rusage",**t}, "1x10")
t=target("db3:9419","vdso-agent")
series("vdso_agent_build_info", {"jdk":"17.0.15","revision":"old","version":"0.1.0",**t}, "1x10")
series("vdso_clock_fallback", {"clock":"monotonic","detector":"seccomp",**t}, "1x10")
checks()
check("6m","VdsoClockSyscallFallback",[
    # the boot id unreadable, the rest of the kernel's identity known
    fb_alert("unknown@db1:9419",None,1,1,["db1:9419 (vdso-agent)"],clocks="realtime"),
    fb_alert("unknown@db2:9419",None,1,1,["db2:9419 (vdso-agent)"],clocks="realtime"),
    # an agent without vdso_kernel_info: nothing known of its kernel
    fb_alert("unknown@db3:9419",None,1,1,["db3:9419 (vdso-agent)"],clocks="monotonic",runtime=None,rel=None)])

# T5
test("a fallback on a VM outside Kubernetes fires without a node; it clears when the clock is back in the vDSO")
t=target("db1:9419","vdso-agent")
kernel(t, A, n=20)
series("vdso_clock_fallback", {"clock":"realtime","detector":"rusage",**t}, "1x10 0x10")
checks()
check("8m","VdsoClockSyscallFallback",[fb_alert(A,None,1,1,["db1:9419 (vdso-agent)"],clocks="realtime")])
check("15m","VdsoClockSyscallFallback",[])

# T6 clocksource change
test("a clocksource change seen by every JVM of a kernel fires once, at once, and clears after the 15 minute window")
for i in range(1,4):
    t=target(f"10.0.1.{i}:9419","shop/demo-vdso-agent","shop",f"api-{i}","node-a")
    kernel(t, A, n=45)
    series("vdso_clocksource_changes_total", t, "0x5 1x40")
t=target("10.0.2.1:9419","shop/demo-vdso-agent","shop","web-1","node-b")
kernel(t, B, n=45)
series("vdso_clocksource_changes_total", t, "0x45")
checks()
check("4m","VdsoClocksourceChanged",[])
check("8m","VdsoClocksourceChanged",[({"severity":"warning","boot_id":A,"node":"node-a","runtime":"linux","kernel_release":REL},{
    "summary": f"The clocksource changed at runtime on kernel {A} (node node-a)",
    "description": f"The clocksource changed in the last 15 minutes {where(A,'node-a')}. {who(3,3,['shop/api-1','shop/api-2','shop/api-3'])} The kernel does this by itself when it marks tsc unstable, and clock reads may now leave the vDSO: check VdsoClockSyscallFallback and vdso_clock_fallback for that kernel.",
    "runbook_url": RB+"vdsoclocksourcechanged"})])
check("40m","VdsoClocksourceChanged",[])

# T7 vsyscall
test("a readable vsyscall page fires once per kernel after 15 minutes; xonly and none never do")
for i in range(1,3):
    t=target(f"10.0.1.{i}:9419","shop/demo-vdso-agent","shop",f"api-{i}","node-a")
    kernel(t, A, n=20); series("vdso_vsyscall_mode_info", {"mode":"emulate",**t}, "1x20")
t=target("db1:9419","vdso-agent"); kernel(t, C, n=20); series("vdso_vsyscall_mode_info", {"mode":"native",**t}, "1x20")
t=target("10.0.2.1:9419","shop/demo-vdso-agent","shop","web-1","node-b"); kernel(t, B, n=20); series("vdso_vsyscall_mode_info", {"mode":"xonly",**t}, "1x20")
t=target("db2:9419","vdso-agent"); kernel(t, G, n=20); series("vdso_vsyscall_mode_info", {"mode":"none",**t}, "1x20")
checks()
check("10m","VdsoVsyscallInsecure",[])
def vs(boot,node,mode,total,eg):
    labels={"severity":"warning","boot_id":boot}
    if node: labels["node"]=node
    labels.update({"runtime":"linux","kernel_release":REL,"mode":mode})
    return labels,{"summary": f"vsyscall page is readable ({mode} mode) on kernel {boot}"+(f" (node {node})" if node else ""),
      "description": f"The legacy vsyscall page is mapped readable ({mode} mode) {where(boot,node)}: it gives exploits code at a fixed, known address. Kernels default to xonly. {who(total,total,eg)}",
      "runbook_url": RB+"vdsovsyscallinsecure"}
check("16m","VdsoVsyscallInsecure",[vs(A,"node-a","emulate",2,["shop/api-1","shop/api-2"]), vs(C,None,"native",1,["db1:9419 (vdso-agent)"])])

# T8 ASLR
test("ASLR off fires once per kernel after 15 minutes; randomize_va_space 1 and 2 never do")
for i in range(1,3):
    t=target(f"10.0.1.{i}:9419","shop/demo-vdso-agent","shop",f"api-{i}","node-a")
    kernel(t, A, n=20); series("vdso_aslr_mode", t, "0x20")
t=target("db2:9419","vdso-agent"); kernel(t, B, n=20); series("vdso_aslr_mode", t, "1x20")
t=target("db3:9419","vdso-agent"); kernel(t, C, n=20); series("vdso_aslr_mode", t, "2x20")
checks()
check("10m","VdsoAslrDisabled",[])
check("16m","VdsoAslrDisabled",[({"severity":"warning","boot_id":A,"node":"node-a","runtime":"linux","kernel_release":REL},{
    "summary": f"ASLR is disabled on kernel {A} (node node-a)",
    "description": f"kernel.randomize_va_space is 0 {where(A,'node-a')}: the vDSO, stack and libraries sit at the same addresses in every run, which makes memory-corruption exploits easier. {who(2,2,['shop/api-1','shop/api-2'])}",
    "runbook_url": RB+"vdsoaslrdisabled"})])
import os
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "kernel_alerts_test.yaml"), "w").write("\n".join(out)+"\n")
