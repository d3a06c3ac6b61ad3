"""The verifier benchmark: python -m bench.verifier (see __main__)."""
