// Every class starts real clusters on a 2-core machine: two at once would starve each other's
// failure detectors (a silo that misses probes is declared dead) and blur every figure printed.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
