"""A centre's first day: its customers, providers, people, holidays and call history imported from
CSV and XLSX (tablib), validated whole before anything is written, and exported back."""
