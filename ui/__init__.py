"""The seam between Streamlit and the data: cached connection and fetch, filters, chart builders."""
