"""Every change to the bridge-point network goes through these functions."""
