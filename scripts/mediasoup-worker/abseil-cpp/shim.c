/* Gives this shim's empty static library a source file (meson deprecates source-less targets). */
typedef int visio_shim_placeholder;
