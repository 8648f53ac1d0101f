// Generated from config.yaml by scripts/gen-registry.mjs (npm run registry). Edit config.yaml, not this file.
export const KNOWN_SERVICES: Readonly<
  Record<string, { readonly endpoint: string; readonly functions: readonly string[] }>
> = {
  intake_catalog: {
    endpoint: "intake/catalog",
    functions: [
      "esm_datastore.search",
      "DfFileCatalog.search",
      "DfFileCatalog.__getitem__",
      "esm_datastore.to_dataset_dict",
      "esm_datastore.to_dask",
      "esm_datastore.df",
      "DfFileCatalog.df",
      "esm_datastore.unique",
      "DfFileCatalog.unique",
      "DfFileCatalog.keys",
      "DfFileCatalog.to_source_dict",
      "DfFileCatalog.to_source",
    ],
  },
  intake_datastore: {
    endpoint: "intake/datastore",
    functions: [
      "use_datastore",
      "intake.open_esm_datastore",
      "BaseBuilder.build",
      "BaseBuilder.save",
    ],
  },
  intake_cli: {
    endpoint: "intake/cli",
    functions: ["metadata_validate", "metadata_template"],
  },
  mypackage_run: {
    endpoint: "mypackage/run",
    functions: ["Experiment.run", "Experiment.submit"],
  },
  mypackage_results: {
    endpoint: "mypackage/results",
    functions: ["Results.save", "Results.export"],
  },
};
