"""The roster screen (值班表): grid, forms and modals."""
