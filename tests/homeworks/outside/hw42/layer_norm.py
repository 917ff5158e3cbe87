# Question 5 of HW42: layer_norm with the blanks (a) and (b) written as a letter in braces.
# Data, never imported: the verifier fills the blanks and runs the result in the sandbox.
import torch


def layer_norm(x, gamma, beta, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean({a}, keepdim=True)
    return (x - mean) / torch.sqrt(var + {b}) * gamma + beta
