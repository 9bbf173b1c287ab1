# Django's Vietnamese formats name "." as the thousands separator but no grouping, so
# 300000 would print as it is; official documents write 300.000.
NUMBER_GROUPING = 3
