"""Partitioned city solves: split a city week by street, solve the parts as jobs, join."""
