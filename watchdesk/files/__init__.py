"""Files offices exchange, per noun: CSV / xlsx / ics readers and writers, and the intake draft."""
