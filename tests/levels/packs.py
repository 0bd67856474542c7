"""A small valid level pack that each broken-file test bends in one place."""

GOOD = """\
[chapter]
id = "test-pack"
title = "A test pack"
order = 100
lesson = ["A page about convolution."]

[[level]]
id = "test-1"
title = "One convolution"
kind = "predict-size"
hints = ["Count the window positions."]
explanation = "Three positions fit."
[level.params]
variant = "conv"
i = 5
k = 3

[[level]]
id = "test-2"
title = "A drawn convolution"
kind = "predict-size"
explanation = "The window fits i - k + 1 times."
[level.params]
variant = "conv"
i = [6, 9]
k = 3
"""
