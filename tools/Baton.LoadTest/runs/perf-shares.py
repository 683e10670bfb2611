#!/usr/bin/env python3
"""Shares of a perf profile of Baton (tools/Baton.LoadTest/runs/profile.sh): where each sample ran
(its leaf: a .NET assembly for JIT code, else the native library or the kernel) and how much of the
time was spent under each of a few frames of the request path (inclusive).
    perf script -i profile.data | perf-shares.py"""
import re
import sys
from collections import Counter

# Inclusive shares: a sample counts once under each of these if its thread's name (perf's first
# line of the sample) or any frame of its stack matches.
FRAMES = [
    ("Kestrel request loop", r"HttpProtocol\+<ProcessRequests>"),
    ("forwarded headers", r"ForwardedHeadersMiddleware::Invoke"),
    ("exception handler", r"ExceptionHandlerMiddlewareImpl"),
    ("status code pages", r"StatusCodePagesMiddleware"),
    ("request guard", r"RequestGuardMiddleware"),
    ("console static files", r"(DefaultFilesMiddleware|StaticFileMiddleware)::Invoke"),
    ("authentication", r"AuthenticationMiddleware\+<Invoke>"),
    ("  bearer handler", r"BearerAuthenticationHandler"),
    ("  token validation", r"TokenService::Validate"),
    ("rate limiter", r"RateLimitingMiddleware"),
    ("authorization", r"AuthorizationMiddleware\+<Invoke>"),
    ("  policy evaluator", r"PolicyEvaluator"),
    ("endpoint (handler + filters + JSON)", r"RequestDelegateFactory|EndpointFilterExtensions|JsonTypeInfo"),
    ("orleans grain call", r"\[Orleans\.Core\]|\[Orleans\.Runtime\]|\[Orleans\.Serialization\]"),
    ("StackExchange.Redis", r"\[StackExchange\.Redis\]"),
    ("session service", r"SessionService"),
    ("token minting", r"TokenService::(Create|Issue|Sign|Mint)"),
    ("OpenTelemetry", r"\[OpenTelemetry"),
    ("metrics (System.Diagnostics.Metrics)", r"System\.Diagnostics\.Metrics"),
    ("logging (scopes, loggers)", r"Microsoft\.Extensions\.Logging\.[A-Za-z.]*Logger[A-Za-z]*(`1)?(\[[^]]*\])?(\+[A-Za-z]+)?::"),
    ("JSON response", r"HttpResultsHelper::WriteResultAsJsonAsync"),
    ("GC threads", r"^\.NET (Server GC|BGC)"),
    ("the JIT's tiering thread", r"^\.NET Tiered Com"),
    ("thread-pool spinning (sched_yield)", r"sched_yield"),
    ("socket sends", r"tcp_sendmsg|__sys_sendto|sendmsg"),
    ("thread pool dispatch", r"ThreadPoolWorkQueue::Dispatch|PortableThreadPool"),
]

samples = []
stack = []
header = None
for line in sys.stdin:
    if not line.strip():
        if header is not None:
            samples.append((header, stack))
        header, stack = None, []
        continue
    if header is None:
        header = line.strip()
        continue
    parts = line.strip().split(" ", 1)
    stack.append(parts[1] if len(parts) > 1 else parts[0])
if header is not None:
    samples.append((header, stack))

total = len(samples)
if total == 0:
    sys.exit("no samples")

def where(frames):
    if not frames:
        return "?"
    top = frames[0]
    m = re.search(r"\(([^()]*)\)\s*$", top)
    dso = m.group(1) if m else ""
    if "perf-" in dso or dso.endswith(".map"):
        # JIT code: name it by the assembly of the method, "[Assembly] Type::Method"
        m = re.search(r"\[([A-Za-z0-9_. ]+)\]\s+[^\s\[]+::", top)
        return "JIT " + (m.group(1) if m else "?")
    return dso.split("/")[-1] or "?"

leaves = Counter(where(frames) for _, frames in samples)
print(f"{total} samples")
print("\nwhere the samples ran (leaf frame):")
for name, n in leaves.most_common(25):
    print(f"  {100.0 * n / total:5.1f}%  {name}")
print("\nunder these frames (inclusive):")
for label, pattern in FRAMES:
    rx = re.compile(pattern)
    n = sum(1 for header, frames in samples if rx.search(header) or any(rx.search(f) for f in frames))
    print(f"  {100.0 * n / total:5.1f}%  {label}")
