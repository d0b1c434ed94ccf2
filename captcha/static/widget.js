/* tollgate widget: built by the showcase issue */
