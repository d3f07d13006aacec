-- Where each stored figure came from (#16): `sources` is JSON (figure -> `manual`,
-- `shop:<platform>` or `ads:<platform>`, domain/source.rs); NULL on rows written before, whose
-- figures all have the row's `source` (`manual` or `import`, a shop overview). Each history
-- entry says which source wrote it.

ALTER TABLE daily_figures ADD COLUMN sources TEXT;
ALTER TABLE daily_figures_history ADD COLUMN source TEXT;
