const firebaseConfig = {
  apiKey: "AIzaveyyzf2kp_O-DXQtyHowEt_Q8jgMr0WzBcN",
  authDomain: "app-4.firebaseapp.com",
  projectId: "app-4",
};
