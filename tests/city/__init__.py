"""Tests of city scale: RQ jobs, partitioned solves, fault tolerance."""
