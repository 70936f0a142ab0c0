"""Reports, all rendered from one JSON model (model.build): report.json, report.md, report.html,
migration.patch, Huawei-compatible CSVs, the terminal summary, SARIF."""
