# Glue job script (contents irrelevant to the check)
