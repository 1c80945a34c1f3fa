// Translation for both apps: each keeps its own catalogues, per feature.
export * from './Translator';
