//! Dispatch: road model, routing problems, planners and the feasibility checker (being built).
