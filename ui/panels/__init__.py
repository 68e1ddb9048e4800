"""The role panels: lead, SME, observer and approver. Each gets the ``Session`` and nothing else."""
