"""The match-kernel feature: shaded images, the kernel palette, the weight editor and the panel."""
