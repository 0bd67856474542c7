"""The board: one Line-API widget that draws the input (with its padding), the kernel and the
output from engine traces, the player that moves the window, and the screens and panels built on
it. Import from the modules, so that opening the game does not pay for the board:

- `render`     Scene/Grid/Cell and the layout of a scene into lines (brackets survive NO_COLOR)
- `widget`     `Board`, the widget that shows a scene and reports clicked cells
- `scenes`     engine traces → scenes: `ConvSweep`, `PoolSweep`, `TransposedSweep`, the formulas
- `player`     `SweepPlayer`: step, play/pause, speed, go to a cell; no timer while paused
- `playground` `PlaygroundScreen`, and `PlaygroundApp` for `convquest playground`
- `fill_cells` `FillCellsPanel` for fill-cells levels
- `receptive`  `ReceptiveFieldPanel` for receptive-field levels
"""
