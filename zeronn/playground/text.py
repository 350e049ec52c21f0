"""Every word the playground page shows, in English and in Chinese.

The page asks for both languages at once (``/api/options``) and switches
without reloading; ``page_text("zh")`` is the table for one language.
Chinese terms are the ones textbooks use (学习率, 激活函数, 正则化, 损失函数 ...).
"""

from __future__ import annotations

from zeronn.lang import LANGUAGES, resolve_lang

__all__ = ["TEXT", "page_text"]

#: key -> (English, Chinese)
TEXT: dict[str, tuple[str, str]] = {
    "title": ("ZeroNN Playground", "ZeroNN 神经网络游乐场"),
    "subtitle": ("A neural network learning in front of you: the ZeroNN library itself, running on this machine.",
                 "看着神经网络学习：背后就是 ZeroNN 库本身，在你的电脑上运行。"),
    "play": ("Play", "运行"),
    "pause": ("Pause", "暂停"),
    "step": ("Step", "单步"),
    "reset": ("Reset", "重置"),
    "epoch": ("Epoch", "轮次 (epoch)"),
    "lr": ("Learning rate", "学习率"),
    "activation": ("Activation", "激活函数"),
    "reg": ("Regularization", "正则化"),
    "reg_rate": ("Regularization rate", "正则化率"),
    "optimizer": ("Optimizer", "优化器"),
    "schedule": ("Learning-rate schedule", "学习率调度"),
    "data": ("Data", "数据"),
    "dataset": ("Which dataset?", "选择数据集"),
    "noise": ("Noise", "噪声"),
    "ratio": ("Ratio of training to test data", "训练数据所占比例"),
    "batch": ("Batch size", "批大小"),
    "points": ("Points", "数据点数"),
    "seed": ("Random seed", "随机种子"),
    "upload": ("Your own CSV (x1, x2, label)", "上传你自己的 CSV（x1, x2, 标签）"),
    "features": ("Features", "输入特征"),
    "features_hint": ("Which properties go into the network?", "哪些属性输入网络？"),
    "hidden_layers": ("hidden layers", "个隐藏层"),
    "neurons": ("neurons", "个神经元"),
    "output": ("Output", "输出"),
    "train_loss": ("Training loss", "训练损失"),
    "test_loss": ("Test loss", "测试损失"),
    "show_test": ("Show test data", "显示测试数据"),
    "discretize": ("Discretize output", "离散化输出"),
    "export": ("Export", "导出"),
    "export_model": ("Model (.safetensors)", "模型 (.safetensors)"),
    "export_code": ("Python code", "Python 代码"),
    "doctor": ("Training doctor", "训练诊断"),
    "doctor_none": ("No problems found so far.", "目前没有发现问题。"),
    "explain": ("Explain", "讲解"),
    "explain_hint": ("Click a layer's title above the network to see its formulas with the live shapes and numbers.",
                     "点击网络上方某一层的标题，查看它的公式以及实时的形状和数值。"),
    "explain_forward": ("Forward", "前向传播"),
    "explain_backward": ("Backward", "反向传播"),
    "explain_shapes": ("Shapes", "形状"),
    "explain_stats": ("Statistics", "统计"),
    "layer": ("Layer", "层"),
    "input_layer": ("Input", "输入"),
    "language": ("Language", "语言"),
    "weight_prompt": ("New value of this weight", "这个权重的新值"),
    "weight_title": ("weight {w} (click to edit)", "权重 {w}（点击修改）"),
    "diverged": ("Training stopped", "训练已停止"),
    "server_error": ("The server refused", "服务器拒绝了请求"),
    "session_lost": ("Session expired; started a new one.", "会话已过期，已重新开始。"),
    "colors": ("Colors show data, neuron and weight values.", "颜色表示数据、神经元和权重的值。"),
    "loss_curve": ("Loss over epochs (train solid, test dashed)", "损失随轮次变化（实线：训练，虚线：测试）"),
    # datasets
    "data_circles": ("Circle", "圆形"),
    "data_xor": ("Exclusive or", "异或"),
    "data_gauss": ("Gaussian", "高斯"),
    "data_spirals": ("Spiral", "螺旋"),
    "data_moons": ("Moons", "月牙"),
    "data_blobs": ("Three blobs", "三个团簇"),
    "data_plane": ("Plane (regression)", "平面（回归）"),
    "data_multigauss": ("Multi-Gaussian (regression)", "多高斯（回归）"),
    "data_csv": ("CSV file", "CSV 文件"),
    # choices
    "reg_none": ("None", "无"),
    "reg_l1": ("L1", "L1"),
    "reg_l2": ("L2", "L2"),
    "act_linear": ("Linear", "线性"),
    "opt_sgd": ("SGD", "SGD（随机梯度下降）"),
    "opt_momentum": ("SGD + momentum 0.9", "SGD + 动量 0.9"),
    "opt_nesterov": ("SGD + Nesterov momentum", "SGD + Nesterov 动量"),
    "opt_adam": ("Adam", "Adam"),
    "opt_adamw": ("AdamW", "AdamW"),
    "opt_rmsprop": ("RMSprop", "RMSprop"),
    "opt_adagrad": ("Adagrad", "Adagrad"),
    "sched_none": ("Constant", "固定不变"),
    "sched_step": ("Halve every 100 epochs", "每 100 轮减半"),
    "sched_exponential": ("x0.99 every epoch", "每轮乘以 0.99"),
    "sched_cosine": ("Cosine over 200 epochs", "余弦退火（200 轮）"),
    "sched_plateau": ("Halve when the test loss stalls", "测试损失停滞时减半"),
}


def page_text(lang: str) -> dict[str, str]:
    """The page's words in one language (``"en"`` or ``"zh"``)."""
    index = LANGUAGES.index(resolve_lang(lang))
    return {key: pair[index] for key, pair in TEXT.items()}
