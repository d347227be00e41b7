"""Developer tools kept out of the wheel: the benchmarks (``make bench``) and the builder of
the bundled sample (``python -m gknb.jobs.dev.make_sample``)."""
