"""Public-opinion verification list (舆情核实清单): monitored posts clustered into events."""
