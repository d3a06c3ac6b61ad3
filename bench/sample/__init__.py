"""The sampled benchmark (`python -m bench.sample`): blocks drawn at random from a pinned corpus nobody here chose,
each guide checked for properties every correct guide has, by code written apart from blockguide's."""
