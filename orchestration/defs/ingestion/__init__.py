"""Raw-zone assets (one per source entity) and the HR file-drop sensor."""
