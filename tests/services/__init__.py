"""Tests of the embedded services (KFP API server)."""
