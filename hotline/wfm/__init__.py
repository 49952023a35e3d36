"""Workforce maths (Erlang, forecasting, CP-SAT rosters): pure Python, no Django."""
