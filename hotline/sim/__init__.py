"""The call-floor simulator: scenarios run through the live rule core (pure Python, no Django).

- `scenario`: the scenario format (docs/scenarios.md), read and checked;
- `engine`: the discrete-event loop that drives hotline.core (states, B9, A2, B2-B6, A4);
- `results`: KPIs as hotline.core.kpi defines them, 95 % intervals, per-interval tables;
- `report`: the HTML summary with an inline SVG chart; `runner`: replications, progress bar;
- `theory`: exact Erlang C and Erlang A, to check the simulator against.
"""
